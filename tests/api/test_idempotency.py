"""Idempotency-Key on POST: a retried request is answered with the first answer and changes nothing again."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework.models import Case, IdempotencyKey
from tests.api.conftest import Api
from web.api import idempotency

NEW_CASE = {"child": {"given_name": "Sam", "family_name": "Taylor", "date_of_birth": "2016-05-04"},
            "received_on": "2024-09-02", "requested_by": "parent"}
KEY = "0b6f1c8e-4f7a-4d3b-9a51-3f0f1f0e2a10"


def keyed(api: Api, key: str = KEY) -> Api:
    return Api(api.client, {**api.header, "Idempotency-Key": key})


def cases(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Case.id)))


def test_the_same_case_posted_twice_with_one_key_makes_one_case_and_the_same_answer(api, db):
    first = keyed(api).post("/cases", NEW_CASE)
    again = keyed(api).post("/cases", NEW_CASE)

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert cases(db) == 1
    history = api.get(f"/cases/{first.get_json()['id']}/history").get_json()
    assert [entry["event"] for entry in history] == ["request_received"]


def test_without_a_key_each_post_acts(api, db):
    api.post("/cases", NEW_CASE)
    api.post("/cases", NEW_CASE)
    assert cases(db) == 2


def test_an_event_retried_with_its_key_is_recorded_once(api):
    cid = api.new_case()["id"]
    body = {"event": "agree_to_assess", "on": "2024-10-01"}
    first, again = keyed(api).post(f"/cases/{cid}/events", body), keyed(api).post(f"/cases/{cid}/events", body)
    assert first.status_code == again.status_code == 200 and again.get_json() == first.get_json()
    assert [e["event"] for e in api.get(f"/cases/{cid}/history").get_json()] == ["request_received",
                                                                                   "agree_to_assess"]
    # Without the key the same event is a second, refused attempt: the state has moved on.
    assert api.post(f"/cases/{cid}/events", body).status_code == 409


@pytest.mark.parametrize("other", [
    {"body": {**NEW_CASE, "received_on": "2024-09-03"}},
    {"body": {**NEW_CASE, "requested_by": "school"}},
    {"path": "/advice-requests/1/return", "body": {"on": "2024-10-01"}},
], ids=["other-date", "other-requester", "other-path"])
def test_the_same_key_on_a_different_request_is_422_and_changes_nothing(api, db, other):
    first = keyed(api).post("/cases", NEW_CASE)
    refused = keyed(api).post(other.get("path", "/cases"), other["body"])

    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "idempotency_key_reused"
    assert refused.get_json()["error"]["field"] == "Idempotency-Key"
    assert cases(db) == 1
    assert keyed(api).post("/cases", NEW_CASE).get_json() == first.get_json()  # the key still answers its own


def test_another_users_same_key_is_their_own(api, api_as, db):
    mine = keyed(api).post("/cases", NEW_CASE)
    theirs = keyed(api_as("caseworker")).post("/cases", NEW_CASE)

    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]
    assert cases(db) == 2


def test_a_key_is_forgotten_after_24_hours(api, db):
    with freeze_time("2025-03-03 09:00:00") as clock:
        first = keyed(api).post("/cases", NEW_CASE)
        clock.move_to("2025-03-04 08:59:59")
        assert keyed(api).post("/cases", NEW_CASE).get_json() == first.get_json()
        assert cases(db) == 1
        clock.move_to("2025-03-04 09:00:00")
        later = keyed(api).post("/cases", NEW_CASE)
        assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
        assert later.get_json()["id"] != first.get_json()["id"]
        assert cases(db) == 2
        # The key now answers with the new request's answer, and a different body is refused again.
        assert keyed(api).post("/cases", NEW_CASE).get_json() == later.get_json()
        assert keyed(api).post("/cases", {**NEW_CASE, "requested_by": "school"}).status_code == 422


def test_a_refusal_is_the_first_answer_too(api, db):
    body = {**NEW_CASE, "received_on": "2999-01-01"}
    first, again = keyed(api).post("/cases", body), keyed(api).post("/cases", body)
    assert first.status_code == again.status_code == 422
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert cases(db) == 0


def test_a_key_still_pending_is_409_until_its_request_answers(api, db, make_user, auth_header):
    user = make_user("caseworker")
    client = Api(api.client, {**auth_header(user), "Idempotency-Key": KEY})
    body = json.dumps(NEW_CASE).encode()
    with freeze_time("2025-03-03 09:00:00") as clock:
        # The first request has taken the key and is still running its operation.
        held = idempotency.claim(db, user.id, KEY, idempotency.fingerprint("POST", "/api/v1/cases", body))
        assert isinstance(held, idempotency.Claimed)

        waiting = client.client.post("/api/v1/cases", data=body, content_type="application/json",
                                     headers=client.header)
        assert waiting.status_code == 409
        assert waiting.get_json()["error"]["code"] == "idempotency_key_in_use"
        assert cases(db) == 0

        idempotency.remember(db, held, 201, '{"id": 7}')
        answered = client.client.post("/api/v1/cases", data=body, content_type="application/json",
                                      headers=client.header)
        assert (answered.status_code, answered.get_json()) == (201, {"id": 7})

        # A request that died without answering holds its key only until it is plainly abandoned.
        stuck = idempotency.claim(db, user.id, "stuck-key", idempotency.fingerprint("POST", "/api/v1/cases", body))
        clock.tick(dt.timedelta(minutes=5))
        with pytest.raises(idempotency.InUse):
            idempotency.claim(db, user.id, "stuck-key", idempotency.fingerprint("POST", "/api/v1/cases", body))
        clock.tick(dt.timedelta(minutes=6))
        assert isinstance(stuck, idempotency.Claimed)
        retried = Api(api.client, {**auth_header(user), "Idempotency-Key": "stuck-key"}).post("/cases", NEW_CASE)
        assert retried.status_code == 201 and cases(db) == 1


def test_a_fault_on_our_side_releases_the_key(api, db, monkeypatch):
    from web.api import views

    def fault(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(views.operations, "create_case", fault)
        failed = keyed(api).client.post("/api/v1/cases", json=NEW_CASE, headers=keyed(api).header)
    assert failed.status_code == 500
    with db.reading() as session:
        row = session.scalars(select(IdempotencyKey)).one()
        assert row.status is None and row.released_at is not None

    retried = keyed(api).post("/cases", NEW_CASE)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert cases(db) == 1
    with db.reading() as session:
        row = session.scalars(select(IdempotencyKey)).one()
        assert (row.status, row.released_at) == (201, None)


@pytest.mark.parametrize("key", ["", " ", "x" * 201, "caf\u00e9", "tab\tkey"], ids=["empty", "blank", "too-long",
                                                                                 "not-ascii", "tab"])
def test_a_key_that_is_not_1_to_200_printable_characters_is_400(api, db, key):
    answer = api.client.post("/api/v1/cases", json=NEW_CASE, headers={**api.header, "Idempotency-Key": key})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "bad_idempotency_key"
    assert cases(db) == 0


def test_the_longest_key_is_taken(api, db):
    assert keyed(api, "k" * 200).post("/cases", NEW_CASE).status_code == 201
    assert keyed(api, "k" * 200).post("/cases", NEW_CASE).status_code == 201
    assert cases(db) == 1


def test_a_key_on_a_get_is_ignored(api):
    api.new_case()
    assert keyed(api).get("/cases").status_code == 200
    assert keyed(api, "").get("/cases").status_code == 200


def _post(url: str, token: str, key: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("round_", range(3))
def test_two_requests_racing_with_one_key_make_one_case(server, db, make_user, auth_header, round_):
    token = auth_header(make_user("caseworker"))["Authorization"].split()[1]
    barrier = threading.Barrier(3)
    answers: list[tuple[int, dict]] = [(0, {})] * 3

    def fire(n: int) -> None:
        barrier.wait()
        answers[n] = _post(f"{server}/cases", token, f"race-{round_}", NEW_CASE)

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert cases(db) == 1
    statuses = sorted(status for status, _ in answers)
    assert set(statuses) <= {201, 409} and 201 in statuses, answers
    made = {body["id"] for status, body in answers if status == 201}
    assert len(made) == 1  # every 201 is the one case, first made or replayed
    assert all(body["error"]["code"] == "idempotency_key_in_use" for status, body in answers if status == 409)
