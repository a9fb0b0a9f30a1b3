"""What the SEN2 return needs to know about a case beyond what the casework itself records.

The source of the request, relevant youth accommodation, the placements named in the plan and attended, the
needs in rank order, a residential or work-based placement, the personal budget's elements and the authority a
plan came from. A caseworker enters them on the case; each save is a new row (the newest is what the return
reads), so nothing recorded is overwritten and the history shows what changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column


class Sen2Details(Base):
    __tablename__ = "sen2_details"
    # The newest row per case is one read down this index.
    __table_args__ = (Index("ix_sen2_details_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    request_source: Mapped[int | None]
    youth_accommodation: Mapped[bool | None]
    residential: Mapped[bool | None]
    work_based_learning: Mapped[bool | None]
    # Codes of casework.law.codes.PERSONAL_BUDGET_ITEMS.
    personal_budget: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The DfE number (3 digits) of the authority a plan transferred in from.
    transfer_la: Mapped[str | None] = mapped_column(String(3))
    # [{"kind": named|attended, "urn" | "ukprn" | "sen_setting": ..., "rank": 1|2}]
    placements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"code": an SEN2 need code, "rank": 1 primary, 2 secondary}]
    sen_needs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = created_at_column()
