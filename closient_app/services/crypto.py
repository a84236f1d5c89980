"""Secrets at rest (POS tokens, webhook secrets): Fernet with key rotation.

TOKEN_ENCRYPTION_KEYS holds comma-separated Fernet keys. The first encrypts; every key decrypts,
so a new key can be put first while old ciphertexts stay readable, and `reencrypt` moves a value
to the newest key (the rotation job calls it on every stored secret).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from closient_app.config import get_settings


class SecretUnreadable(Exception):
    """A ciphertext that none of the configured keys can open (a key was removed too early)."""


@lru_cache
def _fernet(keys: str) -> MultiFernet:
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise RuntimeError("TOKEN_ENCRYPTION_KEYS is empty: run `python -m closient_app setup`")
    return MultiFernet([Fernet(k.encode()) for k in parts])


def _current() -> MultiFernet:
    return _fernet(get_settings().token_encryption_keys)


def encrypt_secret(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt_secret(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured key opens this secret") from exc


def reencrypt(ciphertext: str) -> str:
    """The same secret under the newest key."""
    return _current().rotate(ciphertext.encode()).decode()
