"""Random development secrets, generated once into `.local/generated.env` (git-ignored).

A fresh clone then runs without anyone typing a secret, and no secret ever lives in the repo.
Real deployments set these variables in their environment instead; the environment wins.
"""

from __future__ import annotations

import secrets

from cryptography.fernet import Fernet

from closient_app.config import GENERATED_ENV
from closient_app.services.api_keys import generate_key

GENERATORS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(48),
    "TOKEN_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
    "SHOPIFY_SANDBOX_CLIENT_SECRET": lambda: secrets.token_hex(32),
    "DEMO_PASSWORD": lambda: secrets.token_urlsafe(12),
    "DEMO_API_KEY": generate_key,
}


def ensure_generated_secrets() -> None:
    GENERATED_ENV.parent.mkdir(parents=True, exist_ok=True)
    existing = GENERATED_ENV.read_text() if GENERATED_ENV.exists() else ""
    present = {line.split("=", 1)[0] for line in existing.splitlines() if "=" in line}
    missing = [name for name in GENERATORS if name not in present]
    if not missing:
        return
    with GENERATED_ENV.open("a") as handle:
        for name in missing:
            handle.write(f"{name}={GENERATORS[name]()}\n")
    GENERATED_ENV.chmod(0o600)
