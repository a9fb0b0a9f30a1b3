"""Documents on a case: advice reports, plans, evidence for an exception, correspondence.

``add`` checks the file by its content and size, keeps it in the store under a made-up name, and records who
added what, when, to which case (and which advice request), with a line in the case's history, in one unit of
work. The file is written before the row, so a row never names a file that is not there; a file whose row
rolled back is never named by anything and is harmless.
"""

from __future__ import annotations

import hashlib
from typing import Any

from casework import access, audit
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Forbidden, Invalid, NotFound
from casework.documents import checks
from casework.documents.storage import FolderStorage, Storage, folder_from_settings
from casework.law import codes
from casework.models import AdviceRequest, Case, Document, User

ADDED = "document_added"

__all__ = ["ADDED", "FolderStorage", "Storage", "add", "as_dict", "folder_from_settings", "read"]


def add(db: Database, storage: Storage, *, actor: User, case_id: int, data: bytes, filename: str | None,
        kind: str | None, advice_request_id: int | None = None, max_bytes: int) -> Document:
    """A document added to a case by a caseworker, a manager, or an adviser answering their own request."""
    with db.reading() as session:
        case = access.documents_case(session, actor, case_id)
        if kind not in codes.DOCUMENT_KINDS:
            options = ", ".join(codes.DOCUMENT_KIND_LABELS.values())
            raise Invalid(f"Choose what the document is: {options}.", code="invalid_choice", field="kind")
        if advice_request_id is not None:
            advice = session.get(AdviceRequest, advice_request_id)
            if advice is None or advice.case_id != case_id:
                raise NotFound(f"Case {case.reference} has no advice request {advice_request_id}.")
            if actor.role == "adviser" and advice.organisation_id != actor.organisation_id:
                raise NotFound(f"Case {case.reference} has no advice request {advice_request_id}.")
        elif actor.role == "adviser":
            raise Invalid("Choose the advice request this document answers.", code="required",
                          field="advice_request_id")
    if actor.role == "adviser" and kind not in ("advice_report", "correspondence", "evidence", "other"):
        raise Forbidden("An adviser may add advice reports, evidence and correspondence, not plans.")
    checked = checks.content_type(data, max_bytes=max_bytes)
    name = checks.safe_name(filename, checked.extension)
    key = storage.put(data)
    with db.transaction() as session:
        document = Document(case_id=case_id, advice_request_id=advice_request_id, kind=kind, filename=name,
                            stored_as=key, content_type=checked.content_type, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), added_by_id=actor.id, added_by=actor.username)
        session.add(document)
        session.flush()
        audit.record(session, case=session.get(Case, case_id), actor=actor, event=ADDED, on=clock.today(),
                     fields={"document_id": document.id, "kind": kind, "filename": name,
                             "advice_request_id": advice_request_id}, state_before=None, state_after=None)
    return document


def read(storage: Storage, document: Document) -> bytes:
    return storage.get(document.stored_as)


def as_dict(document: Document) -> dict[str, Any]:
    return {"id": document.id, "case_id": document.case_id, "advice_request_id": document.advice_request_id,
            "kind": document.kind, "filename": document.filename, "content_type": document.content_type,
            "size": document.size, "sha256": document.sha256, "added_by": document.added_by,
            "added_at": document.added_at.isoformat()}
