"""Fixtures for every API test: `client`, `clock` (an injectable now) and cheap password
hashing (autouse). The helpers they go with live in auth_support.py."""

from tests.api.auth_support import cheap_password_hashing, client, clock  # noqa: F401
