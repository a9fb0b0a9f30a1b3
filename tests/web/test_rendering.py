"""What the pages' own rendering helpers write is GOV.UK's markup: the tag filter writes what the govukTag
macro writes, the list filters' boxes keep what was chosen (escaped), and the template globals stay live."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from web.pages import presenters as p
from web.templating import TemplateGlobals

MACRO = '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}{{ govukTag(params) }}'


def _normalised(html: str) -> str:
    """Markup with the whitespace between and inside tags that a browser ignores taken out."""
    return re.sub(r"\s*(<|>)\s*", r"\1", html.strip())


def _every_tag() -> list[dict[str, str]]:
    states = [p.state_tag(state) for state in p.STATE_LABELS]
    statuses = [p.status_tag(status) for status in (*p.STATUS_LABELS, None)]
    excused = [p.status_tag(status, excused=True) for status in ("overdue", "met_late")]
    return [*states, *statuses, *excused, {"text": "Being produced", "classes": ""}]


@pytest.mark.parametrize("params", _every_tag(), ids=lambda params: params["text"])
def test_the_tag_filter_writes_the_govuk_tag_macro_markup(app, params):
    with app.test_request_context("/"):
        written = app.jinja_env.from_string(MACRO).render(params=params)
    assert _normalised(str(p.govuk_tag(params))) == _normalised(written)


def test_the_tag_filter_escapes_its_text_and_classes():
    written = p.govuk_tag({"text": "<script>alert(1)</script>", "classes": 'x" onmouseover="y'})
    assert isinstance(written, Markup)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert 'onmouseover="y' not in written


def test_template_globals_are_live_and_name_themselves_as_a_set(app):
    template = app.jinja_env.from_string("{{ added_later() }}")
    assert isinstance(template.globals, TemplateGlobals)
    app.jinja_env.globals["added_later"] = lambda: "seen"  # after the template was loaded
    try:
        assert template.render() == "seen"
        names = template.globals.keys()
        assert isinstance(names, set) and "added_later" in names
    finally:
        del app.jinja_env.globals["added_later"]


@pytest.mark.parametrize(("address", "shown"), [
    ("/cases?q=%3Cb%3Ekh&state=assessment&due=overdue&view=all",
     ['name="q" type="text" spellcheck="false" value="&lt;b&gt;kh"', '<option value="assessment" selected>',
      '<option value="overdue" selected>', '<label class="govuk-label" for="state">State</label>']),
    ("/advice?advice_type=health&due=overdue&q=Ada",
     ['name="q" type="text" spellcheck="false" value="Ada"', '<option value="health" selected>',
      '<option value="overdue" selected>', "Apply filters</button>"]),
], ids=["caseload", "advice"])
def test_the_list_filters_keep_what_was_chosen_and_escape_the_search(browser_for, address, shown):
    page = browser_for("caseworker").client.get(address)
    assert page.status_code == 200
    for markup in shown:
        assert markup in page.text
    assert page.text.count(" selected>") == 2  # only the chosen option of each list
