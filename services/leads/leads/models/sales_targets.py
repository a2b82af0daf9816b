"""The sales targets area's tables.

A target belongs to a team (a department, in a region) for a period, optionally narrowed to
one course, campus and customer type ("" = any); its splits give each person their share
(they sum to the target). `recorded_sales` is every sale reported by record_sale (the sale id
is the key, so a redelivered event counts once) and `sales_attainment` the read model: per
target and seller, what the matching sales add up to.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow

_BIGINT = BigInteger().with_variant(Integer(), "sqlite")


class SalesTarget(Base):
    __tablename__ = "sales_targets"
    __table_args__ = (
        Index("ix_sales_targets_department", "department_id", "period_start", "id"),
        Index("ix_sales_targets_region", "region_id", "period_start", "id"),
        Index("ix_sales_targets_period", "period_start", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), default="")
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    course_id: Mapped[str] = mapped_column(String(64), default="")
    campus_id: Mapped[str] = mapped_column(String(64), default="")
    customer_type: Mapped[str] = mapped_column(String(50), default="")
    department_id: Mapped[str] = mapped_column(String(64))
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    amount_fen: Mapped[int] = mapped_column(_BIGINT, default=0)
    deals: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SalesTargetSplit(Base):
    __tablename__ = "sales_target_splits"
    target_id: Mapped[str] = mapped_column(ForeignKey("sales_targets.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(_BIGINT, default=0)
    deals: Mapped[int] = mapped_column(Integer, default=0)


class RecordedSale(Base):
    __tablename__ = "recorded_sales"
    __table_args__ = (Index("ix_recorded_sales_department_sold", "department_id", "sold_on"),)
    sale_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    course_id: Mapped[str] = mapped_column(String(64), default="")
    campus_id: Mapped[str] = mapped_column(String(64), default="")
    customer_type: Mapped[str] = mapped_column(String(50), default="")
    customer_id: Mapped[str] = mapped_column(String(36), default="")
    amount_fen: Mapped[int] = mapped_column(_BIGINT)
    sold_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled: Mapped[bool] = mapped_column(default=False)


class SalesAttainment(Base):
    __tablename__ = "sales_attainment"
    target_id: Mapped[str] = mapped_column(ForeignKey("sales_targets.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(_BIGINT, default=0)
    deals: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["RecordedSale", "SalesAttainment", "SalesTarget", "SalesTargetSplit"]
