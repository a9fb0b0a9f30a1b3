"""The JSON API of the public contract, under /api/v1."""

from web.api.views import api

__all__ = ["api"]
