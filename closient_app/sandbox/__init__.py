"""Built-in POS emulators for development and tests (Shopify for now). Never for production."""

from .shopify import SandboxConfig, create_sandbox_app

__all__ = ["SandboxConfig", "create_sandbox_app"]
