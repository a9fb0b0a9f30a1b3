"""What a password must be: at least 12 characters, not blank-looking, not a commonly used one.

"Commonly used" is judged by zxcvbn, which carries the published lists of the most used passwords,
English words and names and spots keyboard runs, dates and repeats: a password it can guess in fewer
than 10^8 tries (its score below 3) is one an attacker's list would try early, so it is refused.
"""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from casework.core.errors import Invalid
from casework.models import User

MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's score: 3 is "safely unguessable" for an online attacker
_CHECKED_LENGTH = 72  # zxcvbn refuses longer input; a password this long is not short of guesses

# How hard each password hash is to compute (web.password_hashing): argon2-cffi's default, RFC 9106's
# low-memory profile (64 MiB, 3 passes), in service; its cheapest, made for test suites, where hundreds of
# test users are made and signed in and each hash would otherwise take a large share of a second. A hash
# records its own parameters, so a password set under one profile is still checked under another.
HASHING_PROFILES = {"rfc_9106_low_memory": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}
_hasher = PasswordHasher.from_parameters(HASHING_PROFILES["rfc_9106_low_memory"])


def use_hashing_profile(name: str) -> None:
    """Hash new passwords under this profile from now on (the service calls it with its setting at start)."""
    global _hasher
    _hasher = PasswordHasher.from_parameters(HASHING_PROFILES[name])


def check_password(password: str) -> None:
    """Refuse a password that is short, blank-looking or commonly used, saying what to do instead."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", code="too_short",
                      field="password")
    if not password.strip() or len(set(password)) == 1:
        raise Invalid("Enter a password that is not just spaces or one character repeated.", code="blank_password",
                      field="password")
    if zxcvbn(password[:_CHECKED_LENGTH])["score"] < MIN_STRENGTH:
        raise Invalid("That password is commonly used or easy to guess. Use three or four unrelated words.",
                      code="common_password", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
