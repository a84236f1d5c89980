"""API key format `csb_<32 alphanumerics>_<crc32 hex>`: generation, checksum, hashing.

The checksum lets us reject a mistyped or forged key before any database lookup; only the
SHA-256 of the whole key is stored, so a database leak reveals no usable key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import zlib

PREFIX = "csb_"
BODY_LENGTH = 32
_ALPHANUMERIC = string.ascii_letters + string.digits
KEY_PATTERN = re.compile(r"^csb_([A-Za-z0-9]{32})_([0-9a-f]{8})$")


def checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode()) & 0xFFFFFFFF:08x}"


def generate_key() -> str:
    body = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(BODY_LENGTH))
    return f"{PREFIX}{body}_{checksum(body)}"


def is_well_formed(key: str) -> bool:
    """Format and CRC-32 both hold (no database needed)."""
    match = KEY_PATTERN.match(key)
    return bool(match) and secrets.compare_digest(checksum(match.group(1)), match.group(2))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
