"""The production layout of the README: several web processes and one scheduler on one PostgreSQL database.

Two ``ehcp serve`` processes and one ``ehcp scheduler`` run together; requests go to both web processes
while the scheduler's catch-up scan runs, and afterwards every alert exists once and both web processes
report the same alerts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from casework import accounts
from casework.core.policy import Policy
from tests.conftest import ENGINE
from tests.test_scheduler import (
    _alerts,
    _caseload,
    _catch_up_outcome,
    _closed_port,
    _expected_alerts,
    _scheduler_process,
    _stop,
    _wait_for,
)
from tests.test_serve import serving

pytestmark = pytest.mark.skipif(ENGINE != "postgresql", reason="the production layout runs on PostgreSQL")


def _call(base: str, token: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}{path}", method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, json.loads(answer.read())


def test_two_web_processes_and_one_scheduler_raise_every_alert_once(db, database_url, make_user, settings,
                                                                     tmp_path):
    manager, _ = _caseload(db, make_user, bulk=200)
    expected = _expected_alerts(db, Policy.from_settings(settings), dt.date.today())
    assert expected, "the caseload should have late deadlines to alert on"
    clerk = make_user("caseworker", username="clerk")
    clerk_token = accounts.create_token(db, clerk.username)
    manager_token = accounts.create_token(db, manager.username)
    log = tmp_path / "scheduler.log"
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(serving(database_url)) for _ in range(2)]
        scheduler = _scheduler_process(database_url, log, _closed_port())
        try:
            # New requests logged through both web processes while the catch-up scan runs.
            today = dt.date.today().isoformat()
            with ThreadPoolExecutor(max_workers=4) as pool:
                made = list(pool.map(lambda n: _call(bases[n % 2], clerk_token, "/api/v1/cases", {
                    "child": {"given_name": f"Web{n}", "family_name": "Layout", "date_of_birth": "2016-05-04"},
                    "received_on": today, "requested_by": "parent"}), range(12)))
            assert [status for status, _ in made] == [201] * 12
            _wait_for(lambda: _catch_up_outcome(log) is not None, "the catch-up scan", scheduler, log)
            assert _catch_up_outcome(log) == "finished"
        finally:
            if scheduler.poll() is None:
                _stop(scheduler, log)
        alerts = _alerts(db)
        assert len(alerts) == len(set(alerts)), "an alert was raised twice"
        assert set(alerts) == expected
        # Both web processes see the same alerts, in the same order.
        seen = [_call(base, manager_token, "/api/v1/alerts?per_page=100")[1] for base in bases]
        assert seen[0]["total"] == seen[1]["total"] > 0
        assert [a["id"] for a in seen[0]["items"]] == [a["id"] for a in seen[1]["items"]]
        _, cases = _call(bases[1], clerk_token, "/api/v1/cases?per_page=100")
        assert sorted(c["child"]["given_name"] for c in cases["items"] if c["child"]["family_name"] == "Layout") == \
            sorted(f"Web{n}" for n in range(12))
