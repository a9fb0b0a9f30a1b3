"""The steps beside the case (mediation and appeals, moves between authorities) share one way of being recorded
from a page: the form checked, the step sent to its operation, a refusal shown beside its field or at the top,
and the same page drawn again with 422 when something was wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, url_for

from casework.core.errors import CaseworkError, Conflict, EventNotAllowed
from web.pages.forms import EventForm, attach_error, error_list


def record_step(form: EventForm, record: Callable[[], Any]) -> tuple[bool, list[str]]:
    """Send a submitted, valid form's step to ``record``: (recorded, messages for the top of the page)."""
    if not (form.is_submitted() and form.validate_on_submit()):
        return False, []
    try:
        record()
    except (Conflict, EventNotAllowed) as refused:
        return False, [refused.message]
    except CaseworkError as refused:
        if not attach_error(form, refused.field, refused.message, fallback="on"):
            return False, [refused.message]
        return False, []
    return True, []


def step_page(form: EventForm, form_errors: list[str], *, endpoint: str, event: str, heading: str, case_id: int,
              reference: str, child: str, back: str) -> tuple[str, int]:
    """The step's form page: 200 when first shown, 422 when it comes back with a problem."""
    status = 422 if form.is_submitted() else 200
    return render_template("cases/step.html", title=f"{heading}: {reference}", form=form,
                           action=url_for(endpoint, case_id=case_id, event=event), back=back, heading=heading,
                           case_id=case_id, reference=reference, child=child,
                           errors=error_list(form, form_errors)), status
