"""``ehcp users list|disable|enable|unlock|set-password`` and ``ehcp tokens list|revoke`` as operators run them."""

from __future__ import annotations

from sqlalchemy import select

from casework import accounts
from casework.models import ApiToken, User
from tests.test_cli import PASSWORD, _one_line_error, ehcp


def _user(db, username: str) -> User:
    with db.reading() as session:
        return session.scalars(select(User).where(User.username == username)).one()


def test_users_list_prints_one_user_a_line_with_their_status(database_url, db, make_user):
    make_user("adviser", username="ada", org="Northbridge NHS Trust", email="ada@example.nhs.uk", password=PASSWORD)
    make_user("caseworker", username="bo", password=PASSWORD)
    make_user("caseworker", username="cy")
    accounts.disable_user(db, "bo")
    result = ehcp(database_url, "users", "list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ada\tadviser\tNorthbridge NHS Trust\tada@example.nhs.uk\tactive",
        "bo\tcaseworker\t\t\tdisabled",
        "cy\tcaseworker\t\t\tno password",
    ]


def test_disable_refuses_the_token_and_enable_lets_it_back(database_url, db, make_user, client):
    make_user("caseworker", username="leaver", password=PASSWORD)
    token = accounts.create_token(db, "leaver")
    header = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=header).status_code == 200

    disabled = ehcp(database_url, "users", "disable", "leaver")
    assert disabled.returncode == 0, disabled.stderr
    assert "Disabled leaver" in disabled.stdout
    assert not _user(db, "leaver").active
    assert client.get("/api/v1/cases", headers=header).status_code == 401

    enabled = ehcp(database_url, "users", "enable", "leaver")
    assert enabled.returncode == 0, enabled.stderr
    assert client.get("/api/v1/cases", headers=header).status_code == 200


def test_set_password_reads_stdin_and_applies_the_rules(database_url, db, make_user):
    make_user("caseworker", username="pat", password=PASSWORD)
    weak = _one_line_error(ehcp(database_url, "users", "set-password", "pat", "--password-stdin",
                                stdin="password1234\n"))
    assert "commonly used" in weak
    assert accounts.password_matches(_user(db, "pat"), PASSWORD)
    assert "--password-stdin" in _one_line_error(ehcp(database_url, "users", "set-password", "pat"))
    done = ehcp(database_url, "users", "set-password", "pat", "--password-stdin", stdin="tidal-ochre-lantern\n")
    assert done.returncode == 0, done.stderr
    assert accounts.password_matches(_user(db, "pat"), "tidal-ochre-lantern")


def test_unlock_lifts_a_pause(database_url, db, make_user):
    import datetime as dt

    from casework.core import clock

    make_user("caseworker", username="locked", password=PASSWORD)
    with db.transaction() as session:
        session.scalars(select(User).where(User.username == "locked")).one().locked_until = (
            clock.now() + dt.timedelta(minutes=15))
    assert accounts.is_paused(_user(db, "locked"))
    result = ehcp(database_url, "users", "unlock", "locked")
    assert result.returncode == 0, result.stderr
    assert not accounts.is_paused(_user(db, "locked"))


def test_an_unknown_user_is_one_line_and_exit_2(database_url):
    for command in (["users", "disable", "nobody"], ["users", "enable", "nobody"], ["users", "unlock", "nobody"],
                    ["tokens", "list", "nobody"]):
        assert "There is no user called nobody" in _one_line_error(ehcp(database_url, *command))


def test_tokens_list_and_revoke(database_url, db, make_user, client):
    make_user("caseworker", username="one", password=PASSWORD)
    make_user("caseworker", username="two", password=PASSWORD)
    first = accounts.create_token(db, "one")
    accounts.create_token(db, "two")
    with db.reading() as session:
        ids = {t.user.username: t.id for t in session.scalars(select(ApiToken))}

    everyone = ehcp(database_url, "tokens", "list")
    assert [line.split("\t")[:2] for line in everyone.stdout.splitlines()] == [[str(ids["one"]), "one"],
                                                                              [str(ids["two"]), "two"]]
    only_two = ehcp(database_url, "tokens", "list", "two")
    assert [line.split("\t")[1] for line in only_two.stdout.splitlines()] == ["two"]

    revoked = ehcp(database_url, "tokens", "revoke", str(ids["one"]))
    assert revoked.returncode == 0, revoked.stderr
    assert f"Revoked API token {ids['one']} of one" in revoked.stdout
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    listed = ehcp(database_url, "tokens", "list", "one").stdout.split("\t")
    assert listed[3].strip() != ""  # the revoked time

    assert "There is no API token 9999" in _one_line_error(ehcp(database_url, "tokens", "revoke", "9999"))
    assert "invalid int" in _one_line_error(ehcp(database_url, "tokens", "revoke", "first"))
