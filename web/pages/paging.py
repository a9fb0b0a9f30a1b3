"""The GOV.UK pagination component's links for a paged list, keeping the list's filters."""

from __future__ import annotations

from typing import Any

from flask import request, url_for


def pagination(endpoint: str, page: int, pages: int) -> dict[str, Any] | None:
    """First, last and the pages either side of this one, with ellipses between; None for a single page."""
    if pages <= 1:
        return None
    args = {k: v for k, v in request.args.items() if k != "page"}

    def link(number: int) -> str:
        return url_for(endpoint, **args, page=number)

    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    for index, number in enumerate(shown):
        if index and number - shown[index - 1] > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": link(number), "current": number == page})
    return {
        "items": items,
        "previous": {"href": link(page - 1)} if page > 1 else None,
        "next": {"href": link(page + 1)} if page < pages else None,
    }
