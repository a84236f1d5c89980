"""Serve the Shopify sandbox on its own port, mounted at the root.

    python -m closient_app.sandbox --port 8765 --client-id X --client-secret Y

The secret may come from SHOPIFY_SANDBOX_CLIENT_SECRET instead, to keep it out of `ps`.
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from .shopify import SandboxConfig, create_sandbox_app

SECRET_ENV = "SHOPIFY_SANDBOX_CLIENT_SECRET"  # noqa: S105 - a variable name, not a secret


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m closient_app.sandbox", description="Run the Shopify sandbox standalone."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--client-id", required=True)
    parser.add_argument(
        "--client-secret", default=os.environ.get(SECRET_ENV), help=f"defaults to ${SECRET_ENV}"
    )
    parser.add_argument("--products", type=int, default=40, help="products per generated shop")
    parser.add_argument("--locations", type=int, default=3, help="locations per generated shop")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    if not args.client_secret:
        parser.error(f"give --client-secret or set {SECRET_ENV}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = SandboxConfig(
        apps={args.client_id: args.client_secret},
        default_products=args.products,
        default_locations=args.locations,
    )
    print(
        f"Shopify sandbox (never for production) on http://{args.host}:{args.port}/"
        f"{{shop}}/admin/...",
        flush=True,
    )
    uvicorn.run(
        create_sandbox_app(config), host=args.host, port=args.port, log_level=args.log_level
    )


if __name__ == "__main__":
    main()
