"""Public identifiers: 22-character shortuuids (the API contract's `id`).

Primary keys are these strings, so no sequential integer ever leaves the database.
"""

import shortuuid

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SHORT_ID_LENGTH = 22

_generator = shortuuid.ShortUUID(alphabet=ALPHABET)


def new_short_id() -> str:
    return _generator.random(length=SHORT_ID_LENGTH)


def is_short_id(value: str) -> bool:
    return len(value) == SHORT_ID_LENGTH and all(ch in ALPHABET for ch in value)
