"""The cases room is tested through the API as outside tools use it."""

from tests.api.conftest import api, api_as  # noqa: F401
