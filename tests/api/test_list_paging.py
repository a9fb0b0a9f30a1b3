"""The API's lists are paged (page, per_page, total): the advice list never counts a cancelled request as
outstanding, and the caseload is searched and filtered by its next deadline."""

from __future__ import annotations

from freezegun import freeze_time

from casework import operations as ops
from tests.web.test_advice_lists import TODAY, D, _asked


@freeze_time(TODAY)
def test_the_api_lists_are_paged(db, new_case, api_as):
    gone, voided = _asked(db, new_case, "Gone", D(2025, 2, 3))
    ops.void_advice_request(db, gone.id, actor=None, on=D(2025, 2, 4), advice_request_id=voided, reason="Sent in error")
    for index in range(5):
        _asked(db, new_case, f"Kept{index}", D(2025, 2, 3 + index))
    api = api_as("manager")
    owed = api.get("/advice-requests?status=outstanding&per_page=2&page=3").get_json()
    assert (owed["total"], owed["page"], owed["per_page"], len(owed["items"])) == (5, 3, 2, 1)
    assert all(item["voided_on"] is None for item in owed["items"])
    every = api.get("/advice-requests?per_page=100").get_json()
    assert every["total"] == 6
    assert api.get("/advice-requests?per_page=101").status_code == 400
    cases = api.get("/cases?q=kept&per_page=2").get_json()
    assert (cases["total"], len(cases["items"])) == (5, 2)
    assert api.get("/cases?q=kept&page=4&per_page=2").get_json()["items"] == []
    # received 2 September 2024: the 20-week plan fell due on 20 January 2025, so every case is late
    assert api.get("/cases?overdue=true").get_json()["total"] == 6
    assert api.get("/cases?overdue=false").get_json()["total"] == 0
    assert api.get("/cases?per_page=101").status_code == 400
    assert api.get("/cases?q=" + "x" * 201).status_code == 422
