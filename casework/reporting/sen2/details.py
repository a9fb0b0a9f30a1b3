"""What a caseworker records on a case for the SEN2 return, checked once here for the API and the pages alike.

Each save replaces the case's details as a whole (the newest row is read; earlier rows stay, so nothing is
lost) and writes one history entry with what changed. A detail not given is recorded as not known, which the
validator reports as a query where the DfE expects it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework import access, audit
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Invalid
from casework.law import codes
from casework.models import Case, Sen2Details, User
from casework.people import identifiers

HISTORY_EVENT = "sen2_details_recorded"
FIELDS = ("request_source", "youth_accommodation", "residential", "work_based_learning", "personal_budget",
          "transfer_la", "placements", "sen_needs")
SETTING_KEYS = ("urn", "ukprn", "sen_setting")
EMPTY: dict[str, Any] = {"request_source": None, "youth_accommodation": None, "residential": None,
                         "work_based_learning": None, "personal_budget": [], "transfer_la": None, "placements": [],
                         "sen_needs": []}


def as_dict(row: Sen2Details | None) -> dict[str, Any]:
    """The details as the API and the pages show them; a case with none recorded has every detail unknown."""
    if row is None:
        return {**EMPTY, "recorded_by": None, "recorded_at": None}
    at = row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(tzinfo=dt.UTC)  # SQLite drops it
    return {**{name: getattr(row, name) for name in FIELDS}, "recorded_by": row.recorded_by,
            "recorded_at": at.isoformat()}


def current(session: Session, case_id: int) -> Sen2Details | None:
    return session.scalars(select(Sen2Details).where(Sen2Details.case_id == case_id)
                           .order_by(Sen2Details.id.desc()).limit(1)).first()


def current_for(session: Session, case_ids: list[int]) -> dict[int, Sen2Details]:
    """The newest details of each case named, in one statement over the (case_id, id) index."""
    if not case_ids:
        return {}
    newest = (select(func.max(Sen2Details.id)).where(Sen2Details.case_id.in_(case_ids))
              .group_by(Sen2Details.case_id))
    return {row.case_id: row for row in session.scalars(select(Sen2Details).where(Sen2Details.id.in_(newest)))}


def _choice(value: Any, choices: Mapping[Any, str], field: str, what: str) -> Any:
    if value is None:
        return None
    if value not in choices:
        raise Invalid(f"Choose {what} from the list.", code="unknown_code", field=field)
    return value


def _placement(index: int, given: Mapping[str, Any]) -> dict[str, Any]:
    where = f"placements[{index}]"
    kind = _choice(given.get("kind"), codes.PLACEMENT_KIND_LABELS, f"{where}.kind",
                   "whether the placement is named in the plan or attended")
    if kind is None:
        raise Invalid("Say whether the placement is named in the plan or attended.", code="required",
                      field=f"{where}.kind")
    rank = _choice(given.get("rank"), codes.PLACEMENT_RANK_LABELS, f"{where}.rank",
                   "whether it is the main or the second placement")
    if rank is None:
        raise Invalid("Say whether it is the main or the second placement.", code="required", field=f"{where}.rank")
    named = [key for key in SETTING_KEYS if given.get(key) not in (None, "")]
    if len(named) != 1:
        raise Invalid("Give the placement's URN, its UKPRN or an SEN setting code: exactly one of them.",
                      code="one_setting", field=where)
    key = named[0]
    if key == "urn":
        value = identifiers.urn(given[key], field=f"{where}.urn")
    elif key == "ukprn":
        value = identifiers.ukprn(given[key], field=f"{where}.ukprn")
    else:
        value = _choice(given[key], codes.SEN_SETTINGS, f"{where}.sen_setting", "the SEN setting")
    return {"kind": kind, key: value, "rank": rank}


def _ranked(rows: list[dict[str, Any]], key: str, field: str, what: str) -> None:
    ranks = [r["rank"] for r in rows]
    if len(ranks) != len(set(ranks)):
        raise Invalid(f"Each {what} needs its own rank: two are ranked the same.", code="duplicate_rank", field=field)
    if ranks and 1 not in ranks:
        raise Invalid(f"One {what} must be ranked first.", code="no_first_rank", field=field)
    if key and len({r[key] for r in rows}) != len(rows):
        raise Invalid(f"The same {what} is given twice.", code="duplicate", field=field)


def checked(given: Mapping[str, Any]) -> dict[str, Any]:
    """The details in their stored form; a bad one is refused (422) naming its field, nothing written."""
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise Invalid(f"There is no SEN2 detail called '{unknown[0]}'.", code="unknown_field", field=unknown[0])
    details = {**EMPTY, **{k: v for k, v in given.items() if v is not None}}
    details["request_source"] = _choice(details["request_source"], codes.REQUEST_SOURCE_LABELS, "request_source",
                                        "who asked for the assessment")
    for flag in ("youth_accommodation", "residential", "work_based_learning"):
        if details[flag] is not None and not isinstance(details[flag], bool):
            raise Invalid("Answer yes or no.", code="not_yes_or_no", field=flag)
    budget = list(details["personal_budget"])
    for i, item in enumerate(budget):
        _choice(item, codes.PERSONAL_BUDGET_LABELS, f"personal_budget[{i}]", "the elements of the personal budget")
    details["personal_budget"] = [item for item in codes.PERSONAL_BUDGET_ITEMS if item in budget]
    transfer = details["transfer_la"]
    if transfer is not None:
        transfer = str(transfer).strip()
        if not (len(transfer) == 3 and transfer.isdigit()):
            raise Invalid("The authority the plan came from is its DfE number: 3 digits, like 202.",
                          code="invalid_la", field="transfer_la")
        details["transfer_la"] = transfer
    placements = [_placement(i, p) for i, p in enumerate(details["placements"])]
    for kind in codes.PLACEMENT_KINDS:
        _ranked([p for p in placements if p["kind"] == kind], "", "placements",
                f"placement {codes.PLACEMENT_KIND_LABELS[kind].lower()}")
    details["placements"] = sorted(placements, key=lambda p: (codes.PLACEMENT_KINDS.index(p["kind"]), p["rank"]))
    needs = []
    for i, need in enumerate(details["sen_needs"]):
        code = _choice(need.get("code"), codes.PRIMARY_NEED_LABELS, f"sen_needs[{i}].code", "the need")
        rank = need.get("rank")
        if code is None or not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= len(
                codes.PRIMARY_NEEDS):
            raise Invalid("Give each need and its rank: 1 for the primary need, 2 for the next.", code="required",
                          field=f"sen_needs[{i}]")
        needs.append({"code": code, "rank": rank})
    _ranked(needs, "code", "sen_needs", "need")
    details["sen_needs"] = sorted(needs, key=lambda n: n["rank"])
    return details


def record(db: Database, case_id: int, *, actor: User, details: Mapping[str, Any]) -> dict[str, Any]:
    """Record a case's SEN2 details as a whole, with a history entry of what changed; nothing when unchanged."""
    wanted = checked(details)
    with db.transaction() as session:
        case = access.visible_case(session, actor, case_id)
        session.scalars(select(Case.id).where(Case.id == case.id).with_for_update()).one()
        before = as_dict(current(session, case.id))
        changes = {name: {"before": before[name], "after": wanted[name]} for name in FIELDS
                   if before[name] != wanted[name]}
        if not changes:
            return before
        row = Sen2Details(case_id=case.id, recorded_by_id=actor.id, recorded_by=actor.username, **wanted)
        session.add(row)
        session.flush()
        audit.record(session, case=case, actor=actor, event=HISTORY_EVENT, on=clock.today(),
                     fields={"changes": changes}, state_before=None, state_after=None)
        return as_dict(row)
