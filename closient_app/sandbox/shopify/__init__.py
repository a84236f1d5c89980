"""A faithful emulator of Shopify's documented contracts: OAuth, Admin GraphQL, webhooks.

Used by the demo and the tests when no real Shopify credentials are configured; the connector
talks to it with the same code as to Shopify, only the base URL and credentials differ.
It must never be mounted in production: it hands out tokens to anyone and its admin routes
change state without authentication. Whether to mount it is the host app's decision.
State is in memory, per process.
"""

from .app import create_sandbox_app
from .config import SandboxConfig

__all__ = ["SandboxConfig", "create_sandbox_app"]
