"""The events the customers area writes through kit's outbox (types in
contracts.events.leads), in the transaction of the change."""
from __future__ import annotations

import datetime as dt

from kit.events import add_event
from sqlalchemy.orm import Session

from ..models import Claim, Customer

CUSTOMER_CREATED = "crm.leads.customer.created.v1"
CUSTOMER_UPDATED = "crm.leads.customer.updated.v1"
CUSTOMER_MERGED = "crm.leads.customer.merged.v1"
CUSTOMER_OWNER_CHANGED = "crm.leads.customer.owner_changed.v1"
CLAIM_REQUESTED = "crm.leads.claim.requested.v1"
CLAIM_APPROVED = "crm.leads.claim.approved.v1"
CLAIM_REJECTED = "crm.leads.claim.rejected.v1"
# consumed
USER_CREATED = "crm.identity.user.created.v1"
USER_LEFT = "crm.identity.user.left.v1"


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite gives naive datetimes back; we store UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _owner(c: Customer) -> dict:
    return {"owner_id": c.owner_id, "owner_department_id": c.owner_department_id,
            "owner_region_id": c.owner_region_id, "owner_channel_id": c.owner_channel_id}


def customer_created(s: Session, c: Customer) -> None:
    add_event(s, CUSTOMER_CREATED, c.id, {
        "customer_id": c.id, "name": c.name, "stage": c.stage, "roles": list(c.roles),
        "tags": list(c.tags), "source_channel_id": c.source_channel_id,
        "campaign_id": c.campaign_id, **_owner(c), "created_by": c.created_by,
        "created_at": iso(c.created_at)})


def customer_updated(s: Session, c: Customer, changed: list[str], by: str) -> None:
    add_event(s, CUSTOMER_UPDATED, c.id, {
        "customer_id": c.id, "changed_fields": changed, "stage": c.stage, "valid": c.valid,
        "version": c.version, "updated_by": by, "updated_at": iso(c.updated_at)})


def customer_merged(s: Session, survivor: Customer, merged: Customer, sources: dict,
                    by: str, at: dt.datetime) -> None:
    add_event(s, CUSTOMER_MERGED, survivor.id, {
        "survivor_id": survivor.id, "merged_id": merged.id, "field_sources": sources,
        "merged_by": by, "merged_at": iso(at)})


def owner_changed(s: Session, c: Customer, previous_owner_id: str | None, reason: str,
                  by: str, at: dt.datetime) -> None:
    add_event(s, CUSTOMER_OWNER_CHANGED, c.id, {
        "customer_id": c.id, "previous_owner_id": previous_owner_id, **_owner(c),
        "reason": reason, "protected_until": iso(c.protected_until), "changed_by": by,
        "changed_at": iso(at)})


def _claim(claim: Claim) -> dict:
    return {"claim_id": claim.id, "customer_id": claim.customer_id,
            "claimant_id": claim.claimant_id, "channel_id": claim.channel_id}


def claim_requested(s: Session, claim: Claim, current_owner_id: str | None) -> None:
    add_event(s, CLAIM_REQUESTED, claim.customer_id, {
        **_claim(claim), "current_owner_id": current_owner_id,
        "requested_at": iso(claim.requested_at)})


def claim_decided(s: Session, claim: Claim) -> None:
    if claim.status == "approved":
        add_event(s, CLAIM_APPROVED, claim.customer_id, {
            **_claim(claim), "decided_by": claim.decided_by,
            "protected_until": iso(claim.protected_until), "decided_at": iso(claim.decided_at)})
    else:
        add_event(s, CLAIM_REJECTED, claim.customer_id, {
            **_claim(claim), "decided_by": claim.decided_by,
            "decision_note": claim.decision_note, "decided_at": iso(claim.decided_at)})
