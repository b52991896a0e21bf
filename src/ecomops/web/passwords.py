"""Password hashing with argon2 (pwdlib); tests switch to cheap parameters."""

from __future__ import annotations

import hashlib
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# A hash of a random password, verified when a login names no user, so that the answer takes
# as long as for a real user (no user enumeration through timing).
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def use_cheap_parameters() -> None:
    """Fast, weak argon2 parameters for tests (~1 ms instead of ~135 ms per hash)."""
    global _hasher, _DUMMY
    _hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    _DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """True when ``password`` matches ``hashed``; ``None`` burns the same time and says False."""
    if hashed is None:
        _hasher.verify(password, _DUMMY)
        return False
    try:
        return _hasher.verify(password, hashed)
    except ValueError:  # not an argon2 hash
        return False


def new_secret() -> str:
    """A random token for cookies and API tokens (256 bits)."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What the database keeps of a session or API token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
