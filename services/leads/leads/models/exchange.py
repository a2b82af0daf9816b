"""The customer exchange area's table: the error reports of rejected imports, kept for the
uploader to download (they hold the uploaded rows, so only the uploader reads them, and
they expire: exchange/imports.py REPORT_TTL)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow


class CustomerImportReport(Base):
    __tablename__ = "customer_import_reports"
    __table_args__ = (Index("ix_customer_import_reports_created", "created_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary)


__all__ = ["CustomerImportReport"]
