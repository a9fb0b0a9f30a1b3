"""The files the web hands out: documents from the store, letters as the PDFs that were sent."""

from __future__ import annotations

from flask import Response, current_app

from casework import documents
from casework.models import Document, Letter


def storage() -> documents.Storage:
    """The document store of this app (``[documents] path``), made once."""
    if "ehcp_documents" not in current_app.extensions:
        current_app.extensions["ehcp_documents"] = documents.folder_from_settings(current_app.config["EHCP_SETTINGS"])
    return current_app.extensions["ehcp_documents"]


def document_response(document: Document) -> Response:
    """The file exactly as uploaded, offered as an attachment so a browser never runs it as a page."""
    data = documents.read(storage(), document)
    return Response(data, mimetype=document.content_type, headers={
        "Content-Disposition": f'attachment; filename="{document.filename}"', "X-Content-Type-Options": "nosniff"})


def letter_response(letter: Letter) -> Response:
    assert letter.pdf is not None
    return Response(letter.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{letter.kind}-{letter.id}.pdf"'})
