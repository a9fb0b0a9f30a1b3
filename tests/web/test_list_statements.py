"""Every list reads one page in a few statements however long the list: the statements a page runs are
counted (an SQLAlchemy listener on the engine) with 10 cases and again with 200, and must not grow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from freezegun import freeze_time
from sqlalchemy import event

from casework import operations

TODAY = "2025-03-03"
# (who, address): every list page and list API, and the case page beside them
PAGES = (
    ("manager", "/cases?mine=no"),
    ("manager", "/cases?mine=no&due=overdue"),
    ("manager", "/cases?mine=no&due=due_soon"),
    ("manager", "/cases?mine=no&state=assessment&page=2"),
    ("manager", "/cases?mine=no&q=child"),
    ("caseworker", "/cases"),
    ("manager", "/advice"),
    ("manager", "/advice?due=overdue&advice_type=health"),
    ("manager", "/advice?q=child&page=2"),
    ("adviser", "/advice"),
    ("manager", "/dashboard"),
    ("manager", "/dashboard/charts/open-cases.svg"),
    ("manager", "/dashboard/charts/monthly-2025.svg"),
    ("api", "/api/v1/cases"),
    ("api", "/api/v1/cases?overdue=true&q=child&per_page=100"),
    ("api", "/api/v1/advice-requests?status=outstanding&per_page=100"),
    ("api", "/api/v1/advice-requests?per_page=100"),
    ("api", "/api/v1/alerts"),
    ("api", "/api/v1/reports/timeliness?year=2025"),
)


@contextmanager
def counting(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def _count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def _add_cases(db, start: int, stop: int) -> None:
    """Cases received a week apart (so some are late and some are not), each with advice asked."""
    for index in range(start, stop):
        received = dt.date(2024, 6, 3) + dt.timedelta(days=index % 200)
        case = operations.create_case(db, actor=None, received_on=received, given_name=f"Child{index:03d}",
                                      family_name="Example", date_of_birth=dt.date(2016, 5, 4),
                                      requested_by="parent", primary_need="ASD")
        if index % 4:
            operations.agree_to_assess(db, case.id, actor=None, on=received + dt.timedelta(days=20))
            operations.request_advice(db, case.id, actor=None, on=received + dt.timedelta(days=21),
                                      advice_type=("health", "psychological")[index % 2],
                                      organisation="Northbridge NHS Foundation Trust")


def _statements(db, clients) -> dict[tuple[str, str], int]:
    counts = {}
    for who, address in PAGES:
        client, headers = clients[who]
        with counting(db.engine) as seen:
            answer = client.get(address, headers=headers)
        assert answer.status_code == 200, (address, answer.status_code)
        counts[(who, address)] = len(seen)
    return counts


@pytest.fixture
def clients(browser_for, app, make_user, auth_header):
    """Signed in on the frozen day the test runs on (a session from another day would have ended)."""
    with freeze_time(TODAY):
        api_user = make_user("manager")
        return {
            "manager": (browser_for("manager").client, {}),
            "caseworker": (browser_for("caseworker").client, {}),
            "adviser": (browser_for("adviser").client, {}),
            "api": (app.test_client(), auth_header(api_user)),
        }


@freeze_time(TODAY)
def test_no_list_reads_more_statements_for_a_longer_list(db, clients):
    _add_cases(db, 0, 10)
    _statements(db, clients)  # first views (sign-in, charts drawn) are not what is measured
    small = _statements(db, clients)
    _add_cases(db, 10, 200)
    _statements(db, clients)
    large = _statements(db, clients)
    assert all(count > 0 for count in small.values())  # the listener sees the page's reads
    grew = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert grew == {}
    assert max(large.values()) <= 15, large
    # and the lists really are long: 200 cases, 150 of them with advice owed, 8 pages of 25
    manager, _ = clients["manager"]
    assert "200 cases, page 1 of 8" in manager.get("/cases?mine=no").text
    assert "150 outstanding" in manager.get("/advice").text
    assert "Page 2 of 6." in manager.get("/advice?page=2").text


@freeze_time(TODAY)
def test_the_listener_counts_a_statement_per_row_when_there_is_one(db, clients):
    """The counter itself: a read that loads rows one by one is seen to grow."""
    from casework.models import Case

    _add_cases(db, 0, 3)
    with counting(db.engine) as seen, db.reading() as session:
        for case_id in range(1, 4):
            session.get(Case, case_id)
    assert len(seen) >= 3
