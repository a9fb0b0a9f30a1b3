"""A refusal's letter and an adviser's report, in a real browser, each page checked with axe-core."""

from __future__ import annotations

import datetime as dt
import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from casework import operations
from casework.letters import produce
from casework.models import AdviceRequest, Document
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, fill_day, follow, press, success_banner

NORTHBRIDGE = "Northbridge NHS Trust"
REPORT = b"%PDF-1.4\n%%EOF\n" + b"health advice" * 100


def test_a_caseworker_refuses_an_assessment_and_opens_its_letter(page: Page, live_server, make_user, db,
                                                                 settings) -> None:
    today = dt.date.today()
    case = operations.create_case(db, actor=None, given_name="Ada", family_name="Example",
                                  date_of_birth=dt.date(today.year - 8, 5, 4), received_on=today - dt.timedelta(20),
                                  requested_by="parent", primary_need="ASD")
    make_user("caseworker", username="cara.caseworker", password=PASSWORD)
    sign_in(page, "cara.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    follow(page, "Refuse to assess")
    fill_day(page, "Date of the decision", today)
    page.get_by_label("Reason for refusing to assess").fill("Ada's needs are being met by her school.")
    press(page, "Record refusal to assess")
    assert "Refused to assess" in success_banner(page)
    letters = page.get_by_role("table", name="Statutory notices on this case")
    expect(letters).to_contain_text("Being produced")
    check_page(page, "letters-queued")

    assert produce.produce_queued(db, settings) == {"produced": 1, "failed": 0}
    page.reload()
    link = page.get_by_role("link", name="Decision not to carry out an EHC needs assessment (PDF)")
    expect(link).to_be_visible()
    check_page(page, "letters-issued")
    answer = page.request.get(link.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages).split())
    assert case.reference in text and "Ada's needs are being met by her school." in text
    assert "You must appeal by" in text and "Demo Borough Council" in text


def test_an_adviser_attaches_a_report_when_returning_advice(page: Page, live_server, make_user, db,
                                                            tmp_path) -> None:
    today = dt.date.today()
    case = operations.create_case(db, actor=None, given_name="Ben", family_name="Sample",
                                  date_of_birth=dt.date(today.year - 9, 1, 20), received_on=today - dt.timedelta(40),
                                  requested_by="school", primary_need="SLCN")
    operations.agree_to_assess(db, case.id, actor=None, on=today - dt.timedelta(30))
    operations.request_advice(db, case.id, actor=None, on=today - dt.timedelta(20), advice_type="health",
                              organisation=NORTHBRIDGE)
    make_user("adviser", username="nina.adviser", org=NORTHBRIDGE, password=PASSWORD)
    report = tmp_path / "health advice.pdf"
    report.write_bytes(REPORT)

    sign_in(page, "nina.adviser", PASSWORD)
    follow(page, f"Mark returned for {case.reference}")
    check_page(page, "adviser-return-with-report")
    fill_day(page, "Date the advice was sent to the council", today)
    page.get_by_label("Attach the advice report (optional)").set_input_files(str(report))
    press(page, "Mark advice returned")
    assert success_banner(page) == f"Success Health advice for {case.reference} marked returned with its report."
    check_page(page, "adviser-tray-after-report")
    with db.reading() as session:
        document = session.scalars(select(Document)).one()
        advice = session.scalars(select(AdviceRequest)).one()
        assert (document.kind, document.advice_request_id, document.filename) == (
            "advice_report", advice.id, "health_advice.pdf")
        assert advice.returned_on == today
    download = page.request.get(f"/advice/documents/{document.id}")
    assert download.status == 200 and download.body() == REPORT
