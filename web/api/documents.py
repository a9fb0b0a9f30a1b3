"""Documents on a case: list, upload (multipart) and download, byte for byte, under the case's access rules."""

from __future__ import annotations

from flask import g, jsonify, request
from werkzeug.utils import secure_filename

from casework import access as authz
from casework import documents
from casework.core.errors import Invalid, MalformedInput
from casework.models import Document
from web import database, limits
from web.api.views import api
from web.files import document_response, storage


@api.get("/cases/<id:case_id>/documents")
def case_documents(case_id: int):
    with database().reading() as session:
        authz.documents_case(session, g.user, case_id)
        rows = session.scalars(authz.documents_query(g.user).where(Document.case_id == case_id)
                               .order_by(Document.id))
        items = [documents.as_dict(d) for d in rows]
    return jsonify({"items": items, "total": len(items)})


def _advice_request_id(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    number = limits.whole_number(raw.strip())
    if number is None:
        raise MalformedInput("advice_request_id must be a whole number.", code="malformed", field="advice_request_id")
    if not limits.FIRST_ID <= number <= limits.LAST_ID:
        raise Invalid("There is no such advice request.", code="out_of_range", field="advice_request_id")
    return number


@api.post("/cases/<id:case_id>/documents")
def add_document(case_id: int):
    with database().reading() as session:  # 404 before anything else for a case the user may not see
        authz.documents_case(session, g.user, case_id)
    if not request.mimetype == "multipart/form-data":
        raise MalformedInput("Send the document as multipart/form-data, with the file in a part called 'file'.",
                             code="malformed", field="file")
    upload = request.files.get("file")
    if upload is None:
        raise MalformedInput("Send the file in a part called 'file'.", code="missing_field", field="file")
    kind = request.form.get("kind")
    for name, value in (("kind", kind or ""), ("file", upload.filename or "")):
        if limits.CONTROL_CHARACTERS.search(value):
            raise Invalid("The request holds characters no keyboard types (such as a null).",
                          code="control_characters", field=name)
    data = upload.read(limits.document_bytes() + 1)
    document = documents.add(database(), storage(), actor=g.user, case_id=case_id, data=data,
                             filename=secure_filename(upload.filename or ""), kind=kind,
                             advice_request_id=_advice_request_id(request.form.get("advice_request_id")),
                             max_bytes=limits.document_bytes())
    return jsonify(documents.as_dict(document)), 201


@api.get("/documents/<id:document_id>")
def get_document(document_id: int):
    with database().reading() as session:
        document = authz.visible_document(session, g.user, document_id)
    return document_response(document)
