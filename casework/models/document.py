"""Documents on a case: advice reports, plans, evidence for an exception, correspondence.

The file itself is kept outside the database (casework.documents.storage) under a name the service made up;
this row says what it is, whose it is, who added it and when, and the name it was uploaded with, made safe.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.law import codes
from casework.models.base import Base, created_at_column

DOCUMENT_KINDS = codes.DOCUMENT_KINDS
FILENAME_LENGTH = 200


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # An advice report belongs to one advice request, and so to the organisation asked: what an adviser sees.
    advice_request_id: Mapped[int | None] = mapped_column(ForeignKey("advice_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(FILENAME_LENGTH))
    stored_as: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[dt.datetime] = created_at_column()
