"""The OpenAPI 3 description of the API (filled in to match the routes)."""

from __future__ import annotations


def document() -> dict:
    return {"openapi": "3.1.0", "info": {"title": "EHCP casework API", "version": "1"}, "paths": {}}
