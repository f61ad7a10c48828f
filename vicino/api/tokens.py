"""Making and checking token strings: `vcn_<prefix>_<secret>`, of which only a hash is stored."""

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "vcn"


def token_generate() -> tuple[str, str, str]:
    """A new (plaintext, prefix, hash); the plaintext is shown once and never stored."""
    prefix = secrets.token_hex(6)
    plaintext = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return plaintext, prefix, token_hash(plaintext)


def token_prefix(plaintext: str) -> str | None:
    parts = plaintext.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1]:
        return None
    return parts[1]


def token_hash(plaintext: str) -> str:
    # The secret carries 256 random bits, so a plain SHA-256 cannot be brute-forced;
    # a slow password hash would only slow every API call.
    return hashlib.sha256(plaintext.strip().encode()).hexdigest()


def token_matches(plaintext: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(plaintext), stored_hash)
