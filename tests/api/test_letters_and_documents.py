"""Letters and documents through the API: listed, downloaded byte for byte, and refused where they must be."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from casework.letters import produce
from casework.models import Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _upload(api, case_id: int, data: bytes, name: str = "report.pdf", kind: str = "advice_report", **extra):
    form = {"file": (io.BytesIO(data), name), "kind": kind, **{k: str(v) for k, v in extra.items()}}
    return api.post(f"/cases/{case_id}/documents", data=form, content_type="multipart/form-data")


@pytest.fixture
def assessed(api):
    case = api.new_case()
    assert api.event(case["id"], "agree_to_assess", "2024-10-07").status_code == 200
    answer = api.event(case["id"], "request_advice", "2024-10-08", advice_type="health",
                       organisation="Northbridge NHS Foundation Trust")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_letters_are_listed_queued_then_issued_and_the_pdf_downloads(api, db, settings, assessed):
    case_id = assessed["id"]
    listed = api.get(f"/cases/{case_id}/letters").get_json()
    assert [(x["kind"], x["status"], x["pdf"]) for x in listed["items"]] == [
        ("decision_to_assess", "queued", None), ("advice_request", "queued", None)]
    queued = api.get(f"/letters/{listed['items'][0]['id']}")
    assert queued.status_code == 409 and queued.get_json()["error"]["code"] == "letter_queued"
    produce.produce_queued(db, settings)
    listed = api.get(f"/cases/{case_id}/letters").get_json()
    assert {x["status"] for x in listed["items"]} == {"issued"}
    assert listed["items"][1]["advice_request_id"] == assessed["advice_requests"][0]["id"]
    pdf = api.get(f"/letters/{listed['items'][0]['id']}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_letters_are_for_staff_only(api, api_as, assessed):
    adviser = api_as("adviser", org="Northbridge NHS Foundation Trust")
    assert adviser.get(f"/cases/{assessed['id']}/letters").status_code == 403
    assert api.get("/cases/999999/letters").status_code == 404
    assert api.get("/letters/999999").status_code == 404


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (PDF, "report.pdf", "application/pdf"),
    (_docx(), "report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (PNG, "photo.png", "image/png"),
], ids=["pdf", "docx", "png"])  # named, not by their bytes: the zip's timestamps differ between pytest-xdist workers
def test_a_document_uploads_lists_and_downloads_byte_for_byte(api, assessed, data, name, content_type):
    added = _upload(api, assessed["id"], data, name, kind="evidence")
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert (body["filename"], body["content_type"], body["size"], body["kind"]) == (name, content_type, len(data),
                                                                                   "evidence")
    listed = api.get(f"/cases/{assessed['id']}/documents").get_json()
    assert [x["id"] for x in listed["items"]] == [body["id"]] and listed["items"][0]["added_by"]
    got = api.get(f"/documents/{body['id']}")
    assert got.status_code == 200 and got.data == data and got.mimetype == content_type
    assert got.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_an_adviser_sees_only_their_own_organisations_documents(api, api_as, assessed, db):
    advice_id = assessed["advice_requests"][0]["id"]
    ours = api_as("adviser", org="Northbridge NHS Foundation Trust")
    theirs = api_as("adviser", org="Southfield Educational Psychology Service")
    report = _upload(ours, assessed["id"], PDF, advice_request_id=advice_id)
    assert report.status_code == 201, report.get_json()
    staff_only = _upload(api, assessed["id"], PDF, "plan.pdf", kind="plan")
    assert staff_only.status_code == 201
    assert [x["id"] for x in ours.get(f"/cases/{assessed['id']}/documents").get_json()["items"]] == [
        report.get_json()["id"]]
    assert ours.get(f"/documents/{staff_only.get_json()['id']}").status_code == 404
    assert ours.get(f"/documents/{report.get_json()['id']}").data == PDF
    # Another organisation: the case, its documents and each file read as missing.
    assert theirs.get(f"/cases/{assessed['id']}/documents").status_code == 404
    assert theirs.get(f"/documents/{report.get_json()['id']}").status_code == 404
    assert _upload(theirs, assessed["id"], PDF, advice_request_id=advice_id).status_code == 404
    with db.reading() as session:
        assert len(session.scalars(select(Document)).all()) == 2


def test_an_oversize_file_is_refused_with_a_clear_message(api, assessed, settings):
    limit = settings["documents"]["max_mb"] * 1024 * 1024
    just_over = _upload(api, assessed["id"], PDF + b"\0" * (limit - len(PDF) + 1))
    assert just_over.status_code == 413
    error = just_over.get_json()["error"]
    assert (error["code"], error["field"]) == ("too_large", "file") and "up to 10 MB" in error["message"]
    far_over = _upload(api, assessed["id"], PDF + b"\0" * (limit + 200_000))
    assert far_over.status_code == 413 and "10 MB" in far_over.get_json()["error"]["message"]
    # Every other route keeps the 1 MB bound.
    big = api.post(f"/cases/{assessed['id']}/events", data=b"x" * (1024 * 1024 + 1), content_type="application/json")
    assert big.status_code == 413
    assert api.get(f"/cases/{assessed['id']}/documents").get_json()["items"] == []


@pytest.mark.parametrize("data", [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00" + b"\0" * 100,
                                  b"PK\x03\x04" + b"\0" * 100])
def test_a_file_of_another_type_is_refused_whatever_its_name(api, assessed, data):
    refused = _upload(api, assessed["id"], data, "report.pdf")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "file_type"
    assert "PDF, a Word document or an image" in refused.get_json()["error"]["message"]


def test_an_empty_file_a_missing_file_or_kind_are_refused(api, assessed):
    assert _upload(api, assessed["id"], b"").get_json()["error"]["code"] == "empty_file"
    assert _upload(api, assessed["id"], PDF, kind="invoice").get_json()["error"]["field"] == "kind"
    missing = api.post(f"/cases/{assessed['id']}/documents", data={"kind": "plan"}, content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] == "file"
    as_json = api.post(f"/cases/{assessed['id']}/documents", {"kind": "plan"})
    assert as_json.status_code == 400


@pytest.mark.parametrize(("hostile", "kept"), [
    ("../../../etc/passwd.pdf", "etc_passwd.pdf"),
    ("..\\..\\windows\\system32.pdf", "windowssystem32.pdf"),
    ("report.pdf.exe", "report.pdf.pdf"),
    ("<script>.pdf", "script.pdf"),
    ("", "document.pdf"),
    ("доклад.pdf", "document.pdf"),
])
def test_a_hostile_file_name_is_stored_safely(api, assessed, db, settings, hostile, kept, tmp_path):
    added = _upload(api, assessed["id"], PDF, hostile, kind="correspondence")
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["filename"] == kept
    with db.reading() as session:
        document = session.scalars(select(Document)).one()
    from pathlib import Path

    root = Path(settings["documents"]["path"])
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [document.stored_as] and stored[0].read_bytes() == PDF
    assert all(root in p.parents for p in stored)
