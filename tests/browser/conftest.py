"""Browser tests: Debian's Chromium driven by Playwright against the real service on a loopback port.

The service runs in-process under waitress (the production server) against the test's own database, so
what the browser sees is what a council officer would see. Screenshots of the main pages are saved under
tests/browser/screenshots/ for review; axe-core (from npm, web/node_modules) checks WCAG 2.2 AA.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by waitress on a free loopback port, for the length of one test."""
    from waitress.server import create_server

    app.config.update(SESSION_COOKIE_SECURE=False)  # plain http on loopback
    server = create_server(app, host="127.0.0.1", port=_free_port(), threads=4, ident="ehcp-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (bash .ci/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        _warm_up(chromium)
        yield chromium
        chromium.close()


def _warm_up(chromium) -> None:
    """Load one page before any test does. A fresh Chromium's first page also starts its renderer and
    network processes, which on a busy machine (several suites, or pytest-xdist workers, each with a browser)
    took longer than a test's ten-second step timeout and failed whichever test came first in the worker."""
    context = chromium.new_context()
    try:
        tab = context.new_page()
        tab.goto("data:text/html,<!doctype html><title>warm-up</title><p>ready</p>", timeout=120_000)
        tab.wait_for_load_state("load", timeout=120_000)
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    watch_errors(tab)
    yield tab
    _BROWSER_ERRORS.pop(id(tab), None)
    context.close()


# Errors the browser reported on each watched tab (a script the CSP refused, a script that failed), by id(page).
_BROWSER_ERRORS: dict[int, list[str]] = {}


def watch_errors(tab) -> None:
    """Start collecting the errors the browser reports on a tab, for check_page and browser_errors."""
    problems: list[str] = []
    _BROWSER_ERRORS[id(tab)] = problems
    tab.on("console", lambda message: _console_error(tab, message, problems))
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))


def browser_errors(page) -> list[str]:
    """What the browser has reported as errors on this tab so far (CSP refusals, script failures)."""
    return list(_BROWSER_ERRORS.get(id(page), []))


def _console_error(tab, message, problems: list[str]) -> None:
    """Record console errors, except the note that the page itself answered 4xx (an error page meant to)."""
    if message.type != "error":
        return
    if message.text.startswith("Failed to load resource") and message.location.get("url") == tab.url:
        return
    problems.append(f"console: {message.text} ({message.location.get('url')})")


def screenshot(page, name: str) -> Path:
    """Save the page for review. Written to a file of this process's own and renamed into place, so the two
    engines' suites running at once (bash .ci/test) never leave a half-written mixture of both."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    partial = path.with_name(f".{name}.{os.getpid()}.png")
    partial.write_bytes(page.screenshot(full_page=True))
    os.replace(partial, path)
    return path


@functools.cache
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run bash .ci/setup (npm ci in web/)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page at WCAG 2.2 AA and return its violations (empty when the page passes).

    The pages' Content-Security-Policy allows no inline script, so a <script> tag with axe's source would be
    refused (and changing the policy for the check would test a different page). axe is evaluated through
    the DevTools protocol instead, which a page's CSP does not govern, inside the page as it was served.
    """
    script = ("tags => { " + _axe_source() + "\n;return axe.run(document, "
              "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); }")
    result = page.evaluate(script, AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]]}
        for v in result["violations"]
    ]


def check_page(page, name: str) -> None:
    """Screenshot the page for review, then fail on any browser error so far (a script the CSP refused, say)
    or any WCAG 2.2 AA violation axe finds, listing every one. The tab needs JavaScript on: with scripts off,
    axe's checks never settle."""
    screenshot(page, name)
    problems = browser_errors(page)
    assert problems == [], f"the browser reported errors by the time of {name} ({page.url}): {problems}"
    violations = axe_violations(page)
    if violations:
        lines = [f"- {v['id']} ({v['impact']}): {v['help']}; nodes: {', '.join(v['targets'])}" for v in violations]
        pytest.fail(f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {name} ({page.url}):\n"
                    + "\n".join(lines), pytrace=False)


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the form as a person would: the labelled fields and the "Sign in" button. Returns once
    the page the form leads to has loaded (the caseload, the tray, or the form again with its error), so a
    test reading that page's rows never reads them before they arrive."""
    page.goto("/sign-in")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Sign in").click()
