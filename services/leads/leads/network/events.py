"""The events the network area writes through kit's outbox (types in contracts.events.leads,
under "network"), in the transaction of the change. Payloads carry ids and business fields,
never a contact's phone."""
from __future__ import annotations

from kit.events import add_event
from sqlalchemy.orm import Session

from ..models import utcnow
from ..models.network import Channel, Referral, ServiceRequest
from .common import iso

CHANNEL_CREATED = "crm.leads.channel.created.v1"
CHANNEL_UPDATED = "crm.leads.channel.updated.v1"
CHANNEL_DELETED = "crm.leads.channel.deleted.v1"
REFERRAL_CREATED = "crm.leads.referral.created.v1"
SERVICE_REQUEST_CREATED = "crm.leads.service_request.created.v1"
SERVICE_REQUEST_CHANGED = "crm.leads.service_request.changed.v1"
SERVICE_REQUEST_OVERDUE = "crm.leads.service_request.overdue.v1"


def _channel(c: Channel) -> dict:
    # finance keys commission rules on the tier: always carried
    return {"channel_id": c.id, "name": c.name, "tier": c.tier, "parent_id": c.parent_id,
            "region_id": c.region_id, "department_id": c.department_id,
            "owner_id": c.owner_id, "active": c.active, "version": c.version}


def channel_created(s: Session, c: Channel) -> None:
    add_event(s, CHANNEL_CREATED, c.id, {**_channel(c), "created_by": c.created_by,
                                         "created_at": iso(c.created_at)})


def channel_updated(s: Session, c: Channel, changed: list[str], by: str) -> None:
    add_event(s, CHANNEL_UPDATED, c.id, {**_channel(c), "changed_fields": changed,
                                         "updated_by": by, "updated_at": iso(c.updated_at)})


def channel_deleted(s: Session, c: Channel, by: str) -> None:
    add_event(s, CHANNEL_DELETED, c.id, {"channel_id": c.id, "tier": c.tier,
                                         "deleted_by": by, "deleted_at": iso(utcnow())})


def referral_created(s: Session, r: Referral) -> None:
    add_event(s, REFERRAL_CREATED, r.referred_id, {
        "referral_id": r.id, "referrer_id": r.referrer_id, "referred_id": r.referred_id,
        "created_by": r.created_by, "created_at": iso(r.created_at)})


def _request(r: ServiceRequest) -> dict:
    return {"request_id": r.id, "customer_id": r.customer_id, "kind": r.kind,
            "priority": r.priority, "status": r.status, "owner_id": r.owner_id,
            "due_at": iso(r.due_at)}


def service_request_created(s: Session, r: ServiceRequest) -> None:
    add_event(s, SERVICE_REQUEST_CREATED, r.id, {**_request(r), "recorded_by": r.recorded_by,
                                                 "created_at": iso(r.created_at)})


def service_request_changed(s: Session, r: ServiceRequest, action: str, by: str) -> None:
    add_event(s, SERVICE_REQUEST_CHANGED, r.id, {**_request(r), "action": action,
                                                 "changed_by": by,
                                                 "changed_at": iso(r.updated_at)})


def service_request_overdue(s: Session, r: ServiceRequest, now) -> None:
    add_event(s, SERVICE_REQUEST_OVERDUE, r.id, {
        **_request(r), "owner_department_id": r.owner_department_id,
        "owner_region_id": r.owner_region_id, "detected_at": iso(now)})
