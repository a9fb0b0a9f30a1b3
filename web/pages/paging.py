"""One page of a list: the page asked for (a bad one answered with a message, never a 500) and the GOV.UK
pagination links, keeping the list's other filters in every link."""

from __future__ import annotations

import math
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from web import limits

PER_PAGE = 25
BAD_PAGE = "Page numbers are whole numbers from 1; the first page is shown."


def page_asked() -> tuple[int, str | None]:
    number = limits.whole_number(request.args.get("page", "1"))
    if number is None or not 1 <= number <= limits.MAX_PAGE:
        return 1, BAD_PAGE
    return number, None


def read_page(session: Session, query: Select[Any], page: int,
              per_page: int = PER_PAGE) -> tuple[list[Any], int, int, int]:
    """The rows of one page, the total, the number of pages and the page shown (the last, if beyond it):
    two statements whatever the length of the list."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(page, pages)
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total, pages, page


def pagination(endpoint: str, page: int, pages: int, **values: Any) -> dict[str, Any] | None:
    if pages <= 1:
        return None
    args = {**{k: v for k, v in request.args.items() if k != "page"}, **values}

    def link(number: int) -> str:
        return url_for(endpoint, **args, page=number)

    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    for index, number in enumerate(shown):
        if index and number - shown[index - 1] > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": link(number), "current": number == page})
    return {"items": items, "previous": {"href": link(page - 1)} if page > 1 else None,
            "next": {"href": link(page + 1)} if page < pages else None}
