"""``ehcp serve`` as it ships: idle connections cannot starve it, and behind a TLS proxy it knows it is on HTTPS."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import EHCP, _environment, _free_port, _wait_for_answer


@contextlib.contextmanager
def serving(database_url: str, **settings: str) -> Iterator[str]:
    port = _free_port()
    env = _environment(database_url, {"EHCP_WEB_SECRET_KEY": "serve-test-secret", **settings})
    process = subprocess.Popen([str(EHCP), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               cwd=Path.home(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        with _wait_for_answer(f"{base}/sign-in", process):
            pass
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_idle_connections_held_open_do_not_stop_a_real_request(database_url):
    """150 clients connect and send nothing (more than waitress's own default limit of 100, which would stop
    it accepting): with the shipped [serve] settings a real request is still answered at once."""
    with serving(database_url, EHCP_SERVE_THREADS="2") as base:
        port = int(base.rsplit(":", 1)[1])
        idle = []
        try:
            for _ in range(150):
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            with urllib.request.urlopen(f"{base}/sign-in", timeout=10) as answer:
                assert answer.status == 200
                assert b"Sign in" in answer.read()
        finally:
            for connection in idle:
                connection.close()


def _headers(base: str, **sent: str) -> dict[str, str]:
    request = urllib.request.Request(f"{base}/sign-in", headers=sent)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return {"hsts": answer.headers.get("Strict-Transport-Security", ""),
                "cookie": answer.headers.get("Set-Cookie", "")}


@pytest.mark.parametrize(("trusted", "hsts"), [("127.0.0.1", True), ("", False)], ids=["behind-proxy", "no-proxy"])
def test_hsts_and_secure_cookies_behind_a_trusted_tls_proxy(database_url, trusted, hsts):
    """The proxy says X-Forwarded-Proto: https. Trusted, the service sends HSTS; untrusted, the header is
    someone's say-so and ignored (a plain-HTTP service must not claim HTTPS)."""
    with serving(database_url, EHCP_WEB_TRUSTED_PROXY=trusted) as base:
        seen = _headers(base, **{"X-Forwarded-Proto": "https"})
    assert (seen["hsts"] == "max-age=31536000") is hsts
    assert "ehcp_session=" in seen["cookie"] and "Secure" in seen["cookie"]
