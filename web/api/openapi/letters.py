"""Letters and documents on a case."""

from __future__ import annotations

from typing import Any

from casework.law import codes
from casework.law.letters import LETTER_KINDS
from web.api.openapi.common import (
    CASE_ID,
    DATE,
    NULLABLE_DATE,
    NULLABLE_TEXT,
    TEXT,
    param,
    ref,
    responses,
)


def letters_and_documents() -> tuple[dict[str, Any], dict[str, Any]]:
    """The schemas and paths of the letters issued on a case and the documents added to it."""
    letter = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(LETTER_KINDS)},
            "title": TEXT,
            "variant": NULLABLE_TEXT,
            "status": {"type": "string", "enum": ["queued", "issued"],
                       "description": "queued with the decision; issued once produced (usually within minutes)"},
            "decided_on": DATE,
            "entry_id": {"type": ["integer", "null"], "description": "the history entry of the decision"},
            "advice_request_id": {"type": ["integer", "null"]},
            "issued_on": {**NULLABLE_DATE, "description": "the letter's date: the appeal clocks run from it"},
            "addressed_to": NULLABLE_TEXT,
            "template_version": {"type": ["integer", "null"]},
            "pdf": {**NULLABLE_TEXT, "description": "where the PDF is, once issued"},
        },
        "required": ["id", "case_id", "kind", "status", "decided_on", "issued_on"],
    }
    document = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "advice_request_id": {"type": ["integer", "null"]},
            "kind": {"type": "string", "enum": list(codes.DOCUMENT_KINDS)},
            "filename": {**TEXT, "description": "the name it was uploaded with, made safe"},
            "content_type": {**TEXT, "description": "the type found from the file's content"},
            "size": {"type": "integer"},
            "sha256": TEXT,
            "added_by": TEXT,
            "added_at": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "case_id", "kind", "filename", "content_type", "size", "added_by", "added_at"],
    }

    def listing(name: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"items": {"type": "array", "items": ref(name)},
                                                 "total": {"type": "integer"}}, "required": ["items", "total"]}

    upload = {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "a PDF, a Word document or an image, checked by its content; at most "
                                        "[documents] max_mb (10 MB by default)"},
                "kind": {"type": "string", "enum": list(codes.DOCUMENT_KINDS)},
                "advice_request_id": {"type": "integer", "description": "the advice request it answers (an "
                                                                        "adviser must give their own)"},
            },
            "required": ["file", "kind"],
        }}},
    }
    file_id = param("document_id", "path", {"type": "integer"}, "the document's id")
    paths = {
        "/cases/{case_id}/letters": {"get": {
            "summary": "The statutory notices issued (or queued) on a case",
            "operationId": "caseLetters",
            "parameters": [CASE_ID],
            "responses": responses("200", listing("Letter"), "The letters, oldest first", "403", "404"),
        }},
        "/letters/{letter_id}": {"get": {
            "summary": "A letter as the PDF that was sent",
            "operationId": "getLetter",
            "parameters": [param("letter_id", "path", {"type": "integer"}, "the letter's id")],
            "responses": {**responses("200", None, "The PDF", "403", "404", "409"),
                          "200": {"description": "The PDF",
                                  "content": {"application/pdf": {"schema": {"type": "string",
                                                                             "format": "binary"}}}}},
        }},
        "/cases/{case_id}/documents": {
            "get": {
                "summary": "The documents on a case (an adviser: those of their organisation's advice requests)",
                "operationId": "caseDocuments",
                "parameters": [CASE_ID],
                "responses": responses("200", listing("Document"), "The documents, oldest first", "403", "404"),
            },
            "post": {
                "summary": "Add a document to a case",
                "operationId": "addDocument",
                "parameters": [CASE_ID],
                "requestBody": upload,
                "responses": responses("201", ref("Document"), "The document added", "400", "403", "404", "413",
                                        "422"),
            },
        },
        "/documents/{document_id}": {"get": {
            "summary": "The document's file, byte for byte",
            "operationId": "getDocument",
            "parameters": [file_id],
            "responses": {**responses("200", None, "The file", "403", "404"),
                          "200": {"description": "The file, with the type found from its content",
                                  "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}}},
        }},
    }
    return {"Letter": letter, "Document": document}, paths
