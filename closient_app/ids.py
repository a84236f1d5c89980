"""Public identifiers: 22-character shortuuids (the API contract's `id`).

Primary keys are these strings, so no sequential integer ever leaves the database.
"""

import shortuuid

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SHORT_ID_LENGTH = 22

_generator = shortuuid.ShortUUID(alphabet=ALPHABET)


def new_short_id() -> str:
    # A random (version 4) UUID in base 57: always 22 characters. `random(length=22)` would
    # draw each character from the OS separately (22 system calls), which showed in profiles
    # of the search and the sync.
    return _generator.uuid()


def is_short_id(value: str) -> bool:
    return len(value) == SHORT_ID_LENGTH and all(ch in ALPHABET for ch in value)
