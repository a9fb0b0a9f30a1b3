"""The database cut mid-run: a loopback TCP proxy between the service and PostgreSQL is closed and reopened.

While it is closed the API answers 503 ``unavailable`` with Retry-After and pages show the GOV.UK "service
unavailable" page (drawn without the database); once it reopens the service answers again by itself, with
everything written before the cut still there and nothing from the refused requests.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from casework import accounts
from casework.core.db import Database
from tests.conftest import ENGINE
from tests.web.conftest import PASSWORD, Browser, csrf_token

ON_POSTGRESQL = pytest.mark.skipif(ENGINE != "postgresql", reason="cuts a TCP connection to PostgreSQL")


class LoopbackProxy:
    """Forwards 127.0.0.1:port to the database; ``cut()`` refuses new connections and drops open ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed by cut()
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the accept() blocked in the other thread (close would not)
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._open = []


@pytest.fixture
def proxied(database_url, settings):
    url = make_url(database_url)
    proxy = LoopbackProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    through = url.set(port=proxy.port).render_as_string(hide_password=False)
    db = Database(through, connect_args={"connect_timeout": 5})
    from web import create_app

    app = create_app(settings, db)
    app.config.update(TESTING=True)
    yield proxy, app, db
    proxy.cut()
    db.dispose()


@ON_POSTGRESQL
def test_an_outage_answers_503_then_the_service_recovers_with_nothing_lost(proxied, make_user, db):
    proxy, app, _ = proxied
    make_user("caseworker", username="officer", password=PASSWORD)
    header = {"Authorization": f"Bearer {accounts.create_token(db, 'officer')}"}
    api = app.test_client()
    child = {"given_name": "Ada", "family_name": "Example", "date_of_birth": "2016-05-04"}
    before = api.post("/api/v1/cases", json={"child": child, "received_on": "2026-09-01", "requested_by": "parent"},
                      headers=header)
    assert before.status_code == 201, before.json
    browser = Browser(app.test_client())
    assert browser.sign_in("officer").status_code == 302
    form = browser.client.get("/cases/new")
    assert form.status_code == 200

    proxy.cut()
    for answer in (api.get("/api/v1/cases", headers=header),
                   api.post("/api/v1/cases", headers=header,
                            json={"child": {**child, "given_name": "Lost"}, "received_on": "2026-09-02",
                                  "requested_by": "parent"})):
        assert answer.status_code == 503
        assert answer.json["error"]["code"] == "unavailable"
        assert int(answer.headers["Retry-After"]) > 0
    page = browser.client.get("/cases")
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.text
    assert "Nothing you entered was saved" in page.text
    posted = browser.client.post("/cases/new", data={"csrf_token": csrf_token(form.text), "given_name": "Lost"})
    assert posted.status_code == 503
    signing_in = Browser(app.test_client()).client.get("/sign-in")
    assert signing_in.status_code == 200  # the sign-in form itself needs no database

    proxy.start()  # the same port: the database is back
    listed = api.get("/api/v1/cases", headers=header)
    assert listed.status_code == 200
    assert [c["child"]["given_name"] for c in listed.json["items"]] == ["Ada"]  # one, and not "Lost"
    assert browser.client.get("/cases").status_code == 200  # the same session stands


def test_an_unreachable_database_file_gives_the_same_answers(settings, tmp_path):
    """Whatever the engine under test: a database that cannot be opened at all, from the first request."""
    from web import create_app

    missing = Database(f"sqlite:///{tmp_path / 'no-such-folder' / 'ehcp.db'}")
    app = create_app(settings, missing)
    client = app.test_client()
    api = client.get("/api/v1/cases", headers={"Authorization": "Bearer anything"})
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"
    assert api.headers["Retry-After"] == "10"
    form = client.get("/sign-in")
    assert form.status_code == 200  # the form itself needs no database
    page = client.post("/sign-in", data={"csrf_token": csrf_token(form.text), "username": "someone",
                                         "password": "whatever-it-is"})
    assert page.status_code == 503 and "Sorry, the service is unavailable" in page.text
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["sid"] = "1", "some-key"
    signed_in = client.get("/cases")
    assert signed_in.status_code == 503
    assert "Sorry, the service is unavailable" in signed_in.text
    missing.dispose()
