"""What a password must be: at least 12 characters, not blank-looking, not a commonly used one.

"Commonly used" is judged by zxcvbn, which carries the published lists of the most used passwords,
English words and names and spots keyboard runs, dates and repeats: a password it can guess in fewer
than 10^8 tries (its score below 3) is one an attacker's list would try early, so it is refused.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from casework.core.errors import Invalid
from casework.models import User

MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's score: 3 is "safely unguessable" for an online attacker
_CHECKED_LENGTH = 72  # zxcvbn refuses longer input; a password this long is not short of guesses

_hasher = PasswordHasher()


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
