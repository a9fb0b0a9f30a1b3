"""The pages at the edge: ids, years and page numbers out of range, bodies too large, the wrong method.

Each is answered with a GOV.UK page (a 404, a form message, a 413), never a 500.
"""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time
from werkzeug.routing import IntegerConverter

from tests.web.conftest import error_summary
from web.limits import IdConverter, YearConverter


def test_every_number_in_an_address_is_bounded(app):
    """A route with an unbounded integer would hand PostgreSQL a number its columns cannot hold."""
    numbers = [(rule.rule, name, converter) for rule in app.url_map.iter_rules()
               for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
    assert numbers, "no route takes an id"
    for rule, name, converter in numbers:
        assert isinstance(converter, IdConverter | YearConverter), f"{rule} takes {name} without bounds"


@pytest.mark.parametrize("path", ["/cases/99999999999999999999", "/cases/2147483648", "/cases/0", "/cases/-1",
                                  "/cases/007x", "/cases/2147483648/events/agree_to_assess",
                                  "/advice/99999999999999999999/return", "/dashboard/charts/monthly-2101.svg",
                                  "/dashboard/charts/monthly-99999.svg", "/dashboard/charts/monthly-2013.svg"])
def test_an_address_out_of_range_is_the_not_found_page(browser_for, path):
    answer = browser_for("manager").client.get(path)
    assert answer.status_code == 404
    assert "Page not found" in answer.text and answer.mimetype == "text/html"


@freeze_time("2025-06-30")
@pytest.mark.parametrize("year", ["99999", "2013", "2101", "twenty", "%C2%B2", "9" * 5000])
def test_a_dashboard_year_out_of_range_is_a_form_message(browser_for, new_case, year):
    new_case()
    answer = browser_for("manager").client.get(f"/dashboard?year={year}")
    assert answer.status_code == 422
    assert error_summary(answer.text) == ["Enter a year from 2014 to 2100, like 2025"]
    assert 'id="year-error"' in answer.text
    assert "Timeliness in 2025" in answer.text  # the latest year's figures, not an empty page


@freeze_time("2025-06-30")
def test_a_dashboard_year_in_range_without_requests_shows_its_empty_figures(browser_for, new_case):
    new_case()
    answer = browser_for("manager").client.get("/dashboard?year=2016")
    assert answer.status_code == 200 and error_summary(answer.text) == []
    assert "Timeliness in 2016" in answer.text
    assert re.search(r'<option value="2016"\s+selected>', answer.text)


@pytest.mark.parametrize("page", ["99999999999999999999", "1000001", "0", "-3", "abc", "%C2%B2"])
def test_a_caseload_page_out_of_range_is_a_form_message(browser_for, new_case, page):
    new_case()
    answer = browser_for("caseworker").client.get(f"/cases?mine=no&page={page}")
    assert answer.status_code == 422
    assert error_summary(answer.text) == ["Page numbers are whole numbers from 1; the first page is shown."]
    assert "1 case." in answer.text


def test_a_caseload_page_past_the_last_shows_the_last(browser_for, new_case):
    new_case()
    answer = browser_for("caseworker").client.get("/cases?mine=no&page=40")
    assert answer.status_code == 200 and "1 case." in answer.text


@pytest.mark.parametrize("query", ["q=Sam%00", "state=%1b", "q%00=x"])
def test_control_characters_in_a_search_are_refused_with_a_page(browser_for, query):
    answer = browser_for("caseworker").client.get(f"/cases?{query}")
    assert answer.status_code == 400
    assert "characters no keyboard types" in answer.text and answer.mimetype == "text/html"


def test_a_body_over_1_mb_is_the_too_large_page(browser_for):
    answer = browser_for("caseworker").client.post("/cases/new", data={"given_name": "x" * (2 * 1024 * 1024)})
    assert answer.status_code == 413
    assert "too much to send at once" in answer.text and answer.mimetype == "text/html"


def test_a_wrong_method_is_405_naming_the_methods_allowed(browser_for):
    answer = browser_for("caseworker").client.put("/cases/new")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "cannot be used that way" in answer.text
