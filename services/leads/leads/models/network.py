"""The network area's tables (issue 7, "working with customers"): channels and their visits,
referrals and promises, marketing activities with registrations and attributed revenue,
service requests, surveys and their responses.

Channels, activities and surveys sit in the org tree themselves (owner, department, region:
kit.data_scope); referrals, registrations, service requests and survey responses concern a
customer and are scoped through that customer.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, utcnow

_BIGINT = BigInteger().with_variant(Integer(), "sqlite")


def _when(nullable: bool = False, **kw) -> Mapped:
    return mapped_column(DateTime(timezone=True), nullable=nullable, **kw)


class NetworkLock(Base):
    """Named rows whose write lock serialises the rare changes a graph rule must see whole
    (moves in the channel tree, new referrals: no cycles): `network.common.lock_row`."""
    __tablename__ = "network_locks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    touched_at: Mapped[dt.datetime | None] = _when(nullable=True)


# ---- channels -------------------------------------------------------------------------------

class ChannelTier(Base):
    """A channel tier (渠道分类): the built-in ones (migration) and those admins add. Finance's
    commission rules key on the code."""
    __tablename__ = "channel_tiers"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[dt.datetime] = _when(default=utcnow)


class Channel(Base):
    """A partner or route that brings customers, in a tree (parent/child)."""
    __tablename__ = "channels"
    __table_args__ = (
        Index("ix_channels_created", "created_at", "id"),
        Index("ix_channels_region_created", "region_id", "created_at", "id"),
        Index("ix_channels_department_created", "department_id", "created_at", "id"),
        Index("ix_channels_owner_created", "owner_id", "created_at", "id"),
        Index("ix_channels_parent", "parent_id"),
        Index("ix_channels_tier", "tier"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    tier: Mapped[str] = mapped_column(ForeignKey("channel_tiers.code"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("channels.id"), nullable=True)
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the staff member who manages the relationship
    owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")   # E.164
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(String(1000), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = _when(default=utcnow)
    updated_at: Mapped[dt.datetime] = _when(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ChannelVisit(Base):
    """One visit to (or meeting with) a channel: who, when, what was said."""
    __tablename__ = "channel_visits"
    __table_args__ = (Index("ix_channel_visits_channel", "channel_id", "visited_at", "id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    visitor_name: Mapped[str] = mapped_column(String(100), default="")
    visited_at: Mapped[dt.datetime] = _when()
    notes: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[dt.datetime] = _when(default=utcnow)


# ---- referrals ------------------------------------------------------------------------------

class Referral(Base):
    """Who referred whom (感召): a customer is referred once (unique referred_id)."""
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_referrer", "referrer_id", "created_at", "id"),
        Index("ix_referrals_created", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referrer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    referred_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), unique=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = _when(default=utcnow)


class ReferralPromise(Base):
    """How many referrals a referrer promised for a period ("2026", "2026-Q4", "2026-11")."""
    __tablename__ = "referral_promises"
    __table_args__ = (UniqueConstraint("referrer_id", "period",
                                       name="uq_referral_promises_referrer_period"),
                      Index("ix_referral_promises_period", "period"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    referrer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    period: Mapped[str] = mapped_column(String(10))
    promised: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = _when(default=utcnow)


# ---- marketing activities -------------------------------------------------------------------

class MarketingActivity(Base):
    """An open class, demo class, free trial, EDM or SMS campaign (市场活动)."""
    __tablename__ = "marketing_activities"
    __table_args__ = (
        Index("ix_marketing_activities_starts", "starts_at", "id"),
        Index("ix_marketing_activities_region_starts", "region_id", "starts_at", "id"),
        Index("ix_marketing_activities_department_starts", "department_id", "starts_at", "id"),
        Index("ix_marketing_activities_owner_starts", "owner_id", "starts_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    starts_at: Mapped[dt.datetime] = _when()
    ends_at: Mapped[dt.datetime] = _when()
    campus_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    budget_fen: Mapped[int] = mapped_column(_BIGINT, default=0)
    capacity: Mapped[int] = mapped_column(Integer, default=0)   # 0: no limit
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = _when(default=utcnow)
    updated_at: Mapped[dt.datetime] = _when(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ActivityRegistration(Base):
    """A customer registered for an activity, and whether they attended."""
    __tablename__ = "activity_registrations"
    __table_args__ = (
        UniqueConstraint("activity_id", "customer_id",
                         name="uq_activity_registrations_activity_customer"),
        Index("ix_activity_registrations_activity", "activity_id", "registered_at", "id"),
        Index("ix_activity_registrations_customer", "customer_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(ForeignKey("marketing_activities.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    registered_by: Mapped[str] = mapped_column(String(64), default="")
    registered_at: Mapped[dt.datetime] = _when(default=utcnow)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    attended_at: Mapped[dt.datetime | None] = _when(nullable=True)
    attendance_marked_by: Mapped[str] = mapped_column(String(64), default="")


class AttributedRevenue(Base):
    """Revenue attributed to a source (an activity or a channel), fed by finance's payments
    through network.attribution (a read model: finance owns the money)."""
    __tablename__ = "attributed_revenue"
    source_kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # activity|channel
    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attributed_revenue_fen: Mapped[int] = mapped_column(_BIGINT, default=0)
    payments: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = _when(default=utcnow)


class AttributedPayment(Base):
    """Each payment attributed once (its id is the key): a redelivered event adds nothing."""
    __tablename__ = "attributed_payments"
    payment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    activity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    amount_fen: Mapped[int] = mapped_column(_BIGINT)
    paid_at: Mapped[dt.datetime] = _when()
    recorded_at: Mapped[dt.datetime] = _when(default=utcnow)


# ---- service requests -----------------------------------------------------------------------

class ServiceRequest(Base):
    """A customer's complaint, suggestion or consultation, owned by whoever recorded it
    (首问负责制) until resolved or explicitly transferred."""
    __tablename__ = "service_requests"
    __table_args__ = (
        Index("ix_service_requests_created", "created_at", "id"),
        Index("ix_service_requests_customer", "customer_id", "created_at", "id"),
        Index("ix_service_requests_owner", "owner_id", "status"),
        Index("ix_service_requests_status_due", "status", "due_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    owner_id: Mapped[str] = mapped_column(String(64))
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    owner_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[dt.datetime] = _when()
    resolution: Mapped[str] = mapped_column(String(4000), default="")
    resolved_at: Mapped[dt.datetime | None] = _when(nullable=True)
    closed_at: Mapped[dt.datetime | None] = _when(nullable=True)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    # the due time whose passing was announced (crm.leads.service_request.overdue.v1): a
    # reopened request has a new due time, announced again if it passes too
    overdue_announced_for: Mapped[dt.datetime | None] = _when(nullable=True)
    created_at: Mapped[dt.datetime] = _when(default=utcnow)
    updated_at: Mapped[dt.datetime] = _when(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ServiceRequestHistory(Base):
    """Every action on a service request (status changes, transfers), by whom."""
    __tablename__ = "service_request_history"
    __table_args__ = (Index("ix_service_request_history_request", "request_id", "id"),)
    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = _when(default=utcnow)


# ---- surveys --------------------------------------------------------------------------------

class Survey(Base):
    """A questionnaire; `questions` is the list network.surveys checks (id, kind, text,
    options, required)."""
    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_created", "created_at", "id"),
        Index("ix_surveys_region_created", "region_id", "created_at", "id"),
        Index("ix_surveys_department_created", "department_id", "created_at", "id"),
        Index("ix_surveys_owner_created", "owner_id", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = _when(default=utcnow)


class SurveyResponse(Base):
    """One customer's answers to one survey (once per customer)."""
    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "customer_id", name="uq_survey_responses_survey_customer"),
        Index("ix_survey_responses_survey", "survey_id", "submitted_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))    # staff | customer
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[dt.datetime] = _when(default=utcnow)


__all__ = ["ActivityRegistration", "AttributedPayment", "AttributedRevenue", "Channel",
           "ChannelTier", "ChannelVisit", "MarketingActivity", "NetworkLock", "Referral",
           "ReferralPromise",
           "ServiceRequest", "ServiceRequestHistory", "Survey", "SurveyResponse"]
