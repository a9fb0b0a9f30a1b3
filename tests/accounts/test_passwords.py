"""Password rules: at least 12 characters, not blank-looking, not commonly used; the same on every way in."""

from __future__ import annotations

import pytest

from casework import accounts
from casework.core.errors import Invalid


@pytest.mark.parametrize(("password", "code"), [
    ("short-pass1", "too_short"),             # 11 characters
    ("            ", "blank_password"),       # twelve spaces
    ("   \t      \t ", "blank_password"),     # whitespace of any kind
    ("aaaaaaaaaaaaaaaa", "blank_password"),   # one character repeated
    ("password1234", "common_password"),
    ("Password1234", "common_password"),
    ("qwertyuiopas", "common_password"),      # a keyboard run
    ("iloveyou1234", "common_password"),
    ("abcdefghijkl", "common_password"),      # the alphabet in order
])
def test_weak_passwords_are_refused_with_a_reason(password, code):
    with pytest.raises(Invalid) as refused:
        accounts.check_password(password)
    assert refused.value.code == code
    assert refused.value.field == "password"


@pytest.mark.parametrize("password", ["correct horse battery staple", "demo-caseworker-2024",
                                      "tidal-ochre-lantern", "Zq8#vL2!mW9$"])
def test_strong_passwords_are_taken(password):
    accounts.check_password(password)


def test_twelve_characters_is_the_least(make_user):
    with pytest.raises(Invalid, match="at least 12 characters"):
        make_user("caseworker", password="Zq8#vL2!mW9")   # 11
    make_user("caseworker", password="Zq8#vL2!mW9$")       # 12


def test_setting_a_password_applies_the_same_rules(db, make_user):
    user = make_user("caseworker", password="correct horse battery staple")
    with pytest.raises(Invalid) as refused:
        accounts.set_password(db, user.username, " " * 14)
    assert refused.value.code == "blank_password"
    with db.reading() as session:
        from casework.models import User
        kept = session.get(User, user.id)
    assert accounts.password_matches(kept, "correct horse battery staple")  # nothing half-written


def test_a_long_password_is_taken_and_signs_in(make_user):
    """Only the first 72 characters are weighed for guessability; the whole password is what is hashed."""
    import hashlib

    long_one = hashlib.sha256(b"a long passphrase").hexdigest() * 6  # 384 characters
    user = make_user("caseworker", password=long_one)
    assert accounts.password_matches(user, long_one)
    assert not accounts.password_matches(user, long_one[:72])


def test_a_password_hashed_under_one_profile_is_still_checked_under_the_other(db):
    """The suite hashes under argon2's cheapest profile; a hash keeps its own parameters, so an account made
    under the service's profile still signs in after the setting changes, and the other way round."""
    from casework.accounts import passwords

    made = {}
    try:
        for profile, marker in (("rfc_9106_low_memory", "$m=65536,t=3,p=4$"), ("cheapest", "$m=8,t=1,p=1$")):
            passwords.use_hashing_profile(profile)
            made[profile] = accounts.create_user(db, f"officer.{profile}", "caseworker",
                                                 password="tidal-ochre-lantern")
            assert marker in made[profile].password_hash
        passwords.use_hashing_profile("rfc_9106_low_memory")
        assert all(accounts.password_matches(user, "tidal-ochre-lantern") for user in made.values())
        assert not any(accounts.password_matches(user, "tidal-ochre-lanterns") for user in made.values())
    finally:
        passwords.use_hashing_profile("cheapest")  # as tests/conftest.py set it for the suite
