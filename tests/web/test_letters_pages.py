"""Letters and documents on the pages: the case page lists and offers them, the adviser attaches a report,
the administrator edits the wording."""

from __future__ import annotations

import datetime as dt
import io

from freezegun import freeze_time
from sqlalchemy import select

from casework import operations
from casework.letters import produce
from casework.models import AdviceRequest, Document, LetterTemplate
from tests.web.conftest import date_boxes, error_summary

TODAY = "2025-03-03"
PDF = b"%PDF-1.4\n%%EOF\n" + b"report body" * 50


@freeze_time(TODAY)
def test_the_case_page_lists_letters_and_documents_with_download_links(browser_for, db, settings, new_case):
    case = new_case(dt.date(2025, 1, 6))
    operations.refuse_to_assess(db, case.id, actor=None, on=dt.date(2025, 2, 10), reason="Needs are being met")
    caseworker = browser_for("caseworker")
    page = caseworker.client.get(f"/cases/{case.id}").text
    assert "Decision not to carry out an EHC needs assessment" in page and "Being produced" in page
    produce.produce_queued(db, settings)
    page = caseworker.client.get(f"/cases/{case.id}").text
    assert "3 March 2025" in page and "Letter sent" in page
    pdf = caseworker.client.get(f"/cases/{case.id}/letters/1")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    added = caseworker.submit(f"/cases/{case.id}/documents", {"file": (io.BytesIO(PDF), "letter from school.pdf"),
                                                              "kind": "correspondence"}, form_page=f"/cases/{case.id}")
    assert added.status_code == 302
    page = caseworker.client.get(f"/cases/{case.id}").text
    assert "letter_from_school.pdf" in page and "Correspondence" in page
    got = caseworker.client.get(f"/cases/{case.id}/documents/1")
    assert got.data == PDF


@freeze_time(TODAY)
def test_a_wrong_file_on_the_case_page_is_refused_next_to_the_field(browser_for, db, new_case):
    case = new_case(dt.date(2025, 1, 6))
    caseworker = browser_for("caseworker")
    refused = caseworker.submit(f"/cases/{case.id}/documents", {"file": (io.BytesIO(b"MZ\x90\x00"), "x.pdf"),
                                                                "kind": "evidence"}, form_page=f"/cases/{case.id}")
    assert refused.status_code == 422
    assert error_summary(refused.text) == [
        "The file must be a PDF, a Word document or an image (JPEG, PNG, GIF, TIFF or HEIC)."]
    none_chosen = caseworker.submit(f"/cases/{case.id}/documents", {"kind": "evidence"},
                                    form_page=f"/cases/{case.id}")
    assert none_chosen.status_code == 422 and error_summary(none_chosen.text) == ["Choose a file to add"]
    with db.reading() as session:
        assert session.scalars(select(Document)).all() == []


@freeze_time(TODAY)
def test_an_adviser_attaches_a_report_when_returning_advice(browser_for, db, new_case):
    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 20))
    operations.request_advice(db, case.id, actor=None, on=dt.date(2025, 2, 3), advice_type="health",
                              organisation="Northbridge NHS Foundation Trust")
    with db.reading() as session:
        advice_id = session.scalar(select(AdviceRequest.id))
    adviser = browser_for("adviser", org="Northbridge NHS Foundation Trust")
    wrong = adviser.submit(f"/advice/{advice_id}/return", {"on": date_boxes(3, 3, 2025),
                                                           "report": (io.BytesIO(b"<html>"), "report.pdf")})
    assert wrong.status_code == 422 and "must be a PDF" in error_summary(wrong.text)[0]
    with db.reading() as session:  # nothing recorded: the advice is still owed
        assert session.get(AdviceRequest, advice_id).returned_on is None
    answer = adviser.submit(f"/advice/{advice_id}/return", {"on": date_boxes(3, 3, 2025),
                                                            "report": (io.BytesIO(PDF), "health advice.pdf")})
    assert answer.status_code == 302
    with db.reading() as session:
        document = session.scalars(select(Document)).one()
        assert (document.kind, document.advice_request_id, document.added_by) == (
            "advice_report", advice_id, adviser.user.username)
        assert session.get(AdviceRequest, advice_id).returned_on == dt.date(2025, 3, 3)
    assert adviser.client.get(f"/advice/documents/{document.id}").data == PDF
    other = browser_for("adviser", org="Southfield Educational Psychology Service")
    assert other.client.get(f"/advice/documents/{document.id}").status_code == 404
    caseworker = browser_for("caseworker")
    assert "health_advice.pdf" in caseworker.client.get(f"/cases/{case.id}").text


def test_the_administrator_edits_the_wording_and_an_incomplete_one_is_refused(browser_for, db):
    admin = browser_for("admin")
    listing = admin.client.get("/admin/letters").text
    assert "Decision not to carry out an EHC needs assessment" in listing
    page = admin.client.get("/admin/letters/refusal_to_assess").text
    assert "Reg 5(3)(a)-(b)" in page and "{{ appeal_by }}" in page
    from casework.letters import templates

    body = templates.default_body("refusal_to_assess")
    refused = admin.submit("/admin/letters/refusal_to_assess", {"body": body.replace("{{ iass }}", "the IASS")})
    assert refused.status_code == 422
    assert "must include {{ iass }}" in error_summary(refused.text)[0] and "Reg 5(3)(d)" in error_summary(
        refused.text)[0]
    saved = admin.submit("/admin/letters/refusal_to_assess", {"body": body.replace("carefully", "closely"),
                                                              "note": "Plainer"})
    assert saved.status_code == 302
    with db.reading() as session:
        assert [v.version for v in session.scalars(select(LetterTemplate).order_by(LetterTemplate.version))] == [1, 2]
    assert "Version 2" in admin.client.get("/admin/letters/refusal_to_assess").text
    assert admin.client.get("/admin/letters/no_such_letter").status_code == 404
    caseworker = browser_for("caseworker")
    assert caseworker.client.get("/admin/letters").status_code == 403
