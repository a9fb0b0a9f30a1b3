"""The dashboard's and the timeliness report's figures are kept between views (casework.audit.kept), and
anything recorded shows on the very next view: a view with nothing new computes nothing, a view after an event
computes afresh, and the marker moves even when an older audit entry becomes visible after a newer one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, insert, select

from casework.audit import kept
from casework.models import AuditEntry

REPORT = "/api/v1/reports/timeliness?year=2025"
_NONCE = re.compile(r'nonce="[^"]+"')


def _page(browser) -> str:
    """The dashboard as shown, less the script nonce each answer has afresh."""
    return _NONCE.sub("", browser.client.get("/dashboard").text)


@pytest.fixture
def counted(db):
    """The statements sent to the database while each request runs."""
    seen: list[str] = []

    def _count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", _count)
    yield seen
    event.remove(db.engine, "before_cursor_execute", _count)


def _due_in_year(report: dict) -> int:
    return sum(rule["due"] for rule in report["breaches"].values())


@freeze_time("2025-03-03")
def test_the_timeliness_report_is_computed_once_until_an_event_is_recorded(db, client, auth_header, make_user,
                                                                          new_case, counted):
    header = auth_header(make_user("manager"))
    new_case(received_on=dt.date(2025, 1, 6))
    first = client.get(REPORT, headers=header).get_json()
    computed = len(counted)
    counted.clear()
    assert client.get(REPORT, headers=header).get_json() == first
    assert len(counted) < computed - 3, counted  # the marker and the token, not the year's aggregates again

    new_case(received_on=dt.date(2025, 2, 3), given_name="Bea")  # its 6-week decision falls due this year
    after = client.get(REPORT, headers=header).get_json()
    assert _due_in_year(after) > _due_in_year(first)


@freeze_time("2025-03-03")
def test_the_dashboard_shows_a_new_case_on_the_next_view(db, browser_for, new_case, counted):
    manager = browser_for("manager")
    new_case(received_on=dt.date(2025, 1, 6))
    first = _page(manager)
    computed = len(counted)
    counted.clear()
    assert _page(manager) == first
    assert len(counted) < computed - 3, counted

    new_case(received_on=dt.date(2025, 2, 3), given_name="Bea")
    chart = manager.client.get("/dashboard/charts/open-cases.svg").text
    assert ">2<" in chart  # the two cases now waiting for a decision, drawn on the chart
    assert _page(manager) != first


@freeze_time("2025-03-03")
def test_the_apis_advice_request_count_is_kept_until_advice_is_requested_or_returned(db, client, auth_header,
                                                                                  make_user, new_case, counted):
    from casework import operations

    header = auth_header(make_user("manager"))
    case = new_case(received_on=dt.date(2025, 1, 6))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2025, 1, 20))
    operations.request_advice(db, case.id, actor=None, on=dt.date(2025, 1, 21), advice_type="health",
                              organisation="Northbridge NHS Foundation Trust")
    first = client.get("/api/v1/advice-requests", headers=header).get_json()
    assert first["total"] == 1
    counted.clear()
    assert client.get("/api/v1/advice-requests", headers=header).get_json() == first
    assert not [s for s in counted if "count(" in s.lower() and "advice_requests" in s], counted  # kept

    operations.request_advice(db, case.id, actor=None, on=dt.date(2025, 1, 22), advice_type="educational",
                              organisation="Educational Psychology Service")
    assert client.get("/api/v1/advice-requests", headers=header).get_json()["total"] == 2
    (returned_id,) = [a["id"] for a in first["items"]]
    assert client.get("/api/v1/advice-requests?status=returned", headers=header).get_json()["total"] == 0
    operations.return_advice(db, returned_id, actor=None, on=dt.date(2025, 2, 3))
    assert client.get("/api/v1/advice-requests?status=returned", headers=header).get_json()["total"] == 1
    assert client.get("/api/v1/advice-requests?status=outstanding", headers=header).get_json()["total"] == 1


def test_the_marker_moves_when_an_older_entry_becomes_visible_after_a_newer_one(db, new_case):
    """On PostgreSQL a transaction can take an id, and commit after another that took a later id was seen."""
    new_case()
    with db.reading() as session:
        newest = session.scalar(select(func.max(AuditEntry.id)))
    with db.transaction() as session:  # the later id committed first
        session.execute(insert(AuditEntry).values(id=newest + 5, actor="system", event="test", fields={}))
    with db.reading() as session:
        seen = kept.last_change(session)
    with db.transaction() as session:  # the earlier one commits afterwards: the newest id is unchanged
        session.execute(insert(AuditEntry).values(id=newest + 2, actor="system", event="test", fields={}))
    with db.reading() as session:
        assert kept.last_change(session) != seen
        assert kept.last_change(session)[0] == seen[0]


def test_figures_are_computed_once_per_key_and_kept_copies_are_not_shared():
    figures = kept.Kept(size=2)
    calls: list[str] = []

    def compute(name: str):
        return lambda: calls.append(name) or {"rows": [name]}
    first = figures.get("a", compute("a"))
    first["rows"].append("changed by a caller")
    assert figures.get("a", compute("a")) == {"rows": ["a"]}
    figures.get("b", compute("b"))
    figures.get("c", compute("c"))  # the oldest ("a") is forgotten beyond the size
    figures.get("a", compute("a"))
    assert calls == ["a", "b", "c", "a"]
