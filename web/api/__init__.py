"""The JSON API of the public contract, under /api/v1."""

import web.api.alerts  # noqa: F401  (registers the alert routes on api)
import web.api.allocation  # noqa: F401  (registers the allocation route on api)
import web.api.communications  # noqa: F401  (registers the communication log routes on api)
import web.api.corrections  # noqa: F401  (registers the corrections route on api)
import web.api.disputes  # noqa: F401  (registers the dispute routes on api)
import web.api.documents  # noqa: F401  (registers the document routes on api)
import web.api.idempotency  # noqa: F401  (Idempotency-Key hooks on api, after views' authentication)
import web.api.letters  # noqa: F401  (registers the letter routes on api)
import web.api.organisations  # noqa: F401  (registers the directory routes on api)
import web.api.people  # noqa: F401  (registers the people routes on api)
import web.api.sen2  # noqa: F401  (registers the SEN2 routes on api)
import web.api.transfers  # noqa: F401  (registers the transfer routes on api)
from web.api import reports  # noqa: F401  (registers the report routes on api)
from web.api.views import api

__all__ = ["api"]
