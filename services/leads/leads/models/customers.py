"""The customers area's tables.

A customer is one person; phones, tags and search terms are child rows so that each lookup is
an index range (no JSON scans): a phone is unique across all customers (the duplicate rule is
the primary key, so two concurrent creates of one phone cannot both commit), an ID number is
unique on the customer row. The owner columns are where the customer sits in identity's org
tree (kit.data_scope: owner, department, region).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        # keyset lists, newest first, within each data scope's anchor
        Index("ix_customers_created", "created_at", "id"),
        Index("ix_customers_owner_created", "owner_id", "created_at", "id"),
        Index("ix_customers_department_created", "owner_department_id", "created_at", "id"),
        Index("ix_customers_region_created", "owner_region_id", "created_at", "id"),
        Index("ix_customers_name_id", "name", "id"),
        Index("ix_customers_updated", "updated_at", "id"),
        Index("ix_customers_name_key", "name_key"),
        Index("ix_customers_channel", "source_channel_id"),
        Index("ix_customers_stage_created", "stage", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    # the name compared for "possible duplicate" (same name, different keys)
    name_key: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(10), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # GB 11643, 18 upper-case characters; unique: the same ID number is the same person
    id_card: Mapped[str | None] = mapped_column(String(18), nullable=True, unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    education: Mapped[str] = mapped_column(String(50), default="")
    company_size: Mapped[str] = mapped_column(String(50), default="")
    source_channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    campaign_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the phones in E.164, the primary first (also in customer_phones, which holds the
    # duplicate rule and the lookups): read with the row, no second query per customer
    phone_numbers: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)     # also in customer_tags
    roles: Mapped[list] = mapped_column(JSON, default=list)
    stage: Mapped[str] = mapped_column(String(16), default="lead")
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    invalid_reason: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    owner_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    owner_channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    protected_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                nullable=True)
    merged_into_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CustomerPhone(Base):
    """One mobile number of one customer (E.164). The number is the key: a second customer
    with it cannot exist (the duplicate rule, enforced by the database)."""
    __tablename__ = "customer_phones"
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    primary: Mapped[bool] = mapped_column("is_primary", Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CustomerTag(Base):
    __tablename__ = "customer_tags"
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True,
                                             index=True)


class CustomerSearchTerm(Base):
    """The full-text index of the customers, portable to SQLite and PostgreSQL: the
    characters and character pairs of the name and company, their lower-case words, and each
    phone's last four digits (search.py). A query's terms are looked up by primary key."""
    __tablename__ = "customer_search_terms"
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True,
                                             index=True)


class Claim(Base):
    """An ownership claim (报备): a user (through a channel or directly) says a customer is
    theirs. Approved claims set the customer's owner and protection; queued ones wait for a
    manager."""
    __tablename__ = "ownership_claims"
    __table_args__ = (
        Index("ix_ownership_claims_customer", "customer_id", "requested_at", "id"),
        Index("ix_ownership_claims_status", "status", "requested_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    claimant_id: Mapped[str] = mapped_column(String(64))
    claimant_name: Mapped[str] = mapped_column(String(100), default="")
    claimant_department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimant_region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    note: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    protected_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                nullable=True)


class CustomerHistory(Base):
    """What happened to a customer, by whom (the audit trail leads keeps with each change,
    in the same transaction): created, updated fields, merged, owner changes, claims."""
    __tablename__ = "customer_history"
    __table_args__ = (Index("ix_customer_history_customer", "customer_id", "id"),)
    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(50))
    actor_id: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffMember(Base):
    """Leads' read model of identity's users (from its events): where each sits in the org
    tree, so a handover can place the successor's customers, or find the leaver's manager."""
    __tablename__ = "staff_members"
    __table_args__ = (Index("ix_staff_members_department", "department_id"),)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), default="")
    roles: Mapped[list] = mapped_column(JSON, default=list)
    department_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    left: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["Claim", "Customer", "CustomerHistory", "CustomerPhone", "CustomerSearchTerm",
           "CustomerTag", "StaffMember"]
