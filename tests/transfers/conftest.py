"""The signed-in page client for the transfer pages."""

from tests.web.conftest import browser_for  # noqa: F401  (the signed-in page client)
