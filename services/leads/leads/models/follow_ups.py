"""The follow-ups area's tables: follow-ups (跟进记录, one recorded contact with a customer),
the custom follow-up types admins define, follow-up plans (工作计划, a planned contact) and the
plans' history.

A follow-up and a plan both hang off a customer (their data scope is the customer's) and
also carry where their person sits in the org tree (recorder / plan owner: user, department,
region) so that per-person statistics and the to-do list are index ranges scoped by
kit.data_scope without joining customers.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow

_BIGINT = BigInteger().with_variant(Integer(), "sqlite")


class FollowUpType(Base):
    """A custom kind of follow-up an administrator defined (the built-in kinds are code:
    follow_ups.rules.BUILT_IN_TYPES)."""
    __tablename__ = "follow_up_types"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUp(Base):
    """One contact with a customer: who, when, what, the outcome and the next step."""
    __tablename__ = "follow_ups"
    __table_args__ = (
        # the customer's contact history, newest first (keyset)
        Index("ix_follow_ups_customer_occurred", "customer_id", "occurred_at", "id"),
        # per person per day (statistics)
        Index("ix_follow_ups_recorder_occurred", "recorded_by_id", "occurred_at"),
        Index("ix_follow_ups_department_occurred", "recorder_department_id", "occurred_at"),
        Index("ix_follow_ups_region_occurred", "recorder_region_id", "occurred_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[str] = mapped_column(String(2000), default="")
    outcome: Mapped[str] = mapped_column(String(500), default="")
    next_step: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[str] = mapped_column(String(64))
    recorded_by_name: Mapped[str] = mapped_column(String(100), default="")
    recorder_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorder_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUpPlan(Base):
    """A planned contact: whose (owner), with whom (customer), when (due), how (type).

    status: open → completed (by recording its follow-up: follow_up_id) | cancelled |
    merged (into merged_into_id, which took over its requesters). `requesters` keeps who
    asked for the contact ({user_id, plan_id, note}), across merges. `due_notified_at` is set
    in the transaction that writes the plan's due event, so the event is written once."""
    __tablename__ = "follow_up_plans"
    __table_args__ = (
        Index("ix_follow_up_plans_customer_status", "customer_id", "status", "due_at", "id"),
        Index("ix_follow_up_plans_owner_due", "owner_id", "due_at", "id"),
        Index("ix_follow_up_plans_department_due", "owner_department_id", "due_at"),
        Index("ix_follow_up_plans_region_due", "owner_region_id", "due_at"),
        # the due sweep: open plans not yet notified, by due time
        Index("ix_follow_up_plans_due_sweep", "status", "due_notified_at", "due_at"),
        Index("ix_follow_up_plans_due_id", "due_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    owner_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    type: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    requesters: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    follow_up_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    cancelled_reason: Mapped[str] = mapped_column(String(500), default="")
    merged_into_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    due_notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class FollowUpPlanHistory(Base):
    """What happened to a plan, by whom, in the transaction of the change: created,
    delegated, handed_over, merged, merged_into, completed, cancelled."""
    __tablename__ = "follow_up_plan_history"
    __table_args__ = (Index("ix_follow_up_plan_history_plan", "plan_id", "id"),)
    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["FollowUp", "FollowUpPlan", "FollowUpPlanHistory", "FollowUpType"]
