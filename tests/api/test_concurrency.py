"""Two clients firing conflicting events on one case at the same moment, over real HTTP."""

import json
import threading
import urllib.error
import urllib.request

import pytest


def post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("round_", range(4))
def test_one_wins_the_other_gets_409_and_history_shows_one_change(api, server, make_user, auth_header, round_):
    cid = api.new_case("2024-09-02")["id"]
    tokens = [auth_header(make_user("caseworker"))["Authorization"].split()[1] for _ in range(2)]
    bodies = [{"event": "agree_to_assess", "on": "2024-10-01"},
              {"event": "refuse_to_assess", "on": "2024-10-01", "reason": "Needs met at SEN support"}]
    barrier = threading.Barrier(2)
    answers: list[int] = [0, 0]

    def fire(n: int) -> None:
        barrier.wait()
        answers[n] = post(f"{server}/cases/{cid}/events", tokens[n], bodies[n])

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(answers) == [200, 409]
    history = api.get(f"/cases/{cid}/history").get_json()
    assert [h["event"] for h in history][0] == "request_received"
    assert len(history) == 2
    winner = bodies[answers.index(200)]["event"]
    assert history[1]["event"] == winner
    assert api.get(f"/cases/{cid}").get_json()["state"] == {"agree_to_assess": "assessment",
                                                             "refuse_to_assess": "refused_to_assess"}[winner]


def test_two_requests_at_once_for_one_known_child_open_one_case(api, server, make_user, auth_header):
    first = api.new_case("2024-09-02")
    api.event(first["id"], "refuse_to_assess", "2024-10-01", reason="Needs met at SEN support")
    tokens = [auth_header(make_user("caseworker"))["Authorization"].split()[1] for _ in range(2)]
    body = {"person_id": first["person_id"], "received_on": "2025-03-03", "requested_by": "school"}
    barrier = threading.Barrier(2)
    answers: list[int] = [0, 0]

    def ask(n: int) -> None:
        barrier.wait()
        answers[n] = post(f"{server}/cases", tokens[n], body)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(answers) == [201, 409]
    cases = api.get(f"/people/{first['person_id']}").get_json()["cases"]
    assert [c["state"] for c in cases] == ["refused_to_assess", "request_received"]
