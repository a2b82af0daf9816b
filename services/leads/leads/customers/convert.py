"""Rows → protobuf messages of crm.leads.v1 (customers.proto), masking personal numbers for
callers who may not see them in full."""
from __future__ import annotations

import datetime as dt

from contracts.leads import customers_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp
from kit.personal_data import mask_id_card, mask_phone

from ..models import Claim, Customer


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(dt.UTC))
    return ts


def customer(c: Customer, *, full: bool, possible_duplicate_ids: list[str] = ()
             ) -> pb.Customer:
    """`c`: an entity or a row of the customers table (same names)."""
    return pb.Customer(
        id=c.id, name=c.name, gender=c.gender,
        birth_date=c.birth_date.isoformat() if c.birth_date else "",
        id_card=(c.id_card if full else mask_id_card(c.id_card)) or "",
        phones=[pb.Phone(number=p if full else mask_phone(p), primary=i == 0)
                for i, p in enumerate(c.phone_numbers)],
        email=c.email, company=c.company, position=c.position, industry=c.industry,
        region=c.region, education=c.education, company_size=c.company_size,
        source_channel_id=c.source_channel_id or "", campaign_id=c.campaign_id or "",
        tags=list(c.tags), roles=list(c.roles), stage=c.stage, valid=c.valid,
        invalid_reason=c.invalid_reason,
        owner=pb.Owner(user_id=c.owner_id or "", name=c.owner_name,
                       department_id=c.owner_department_id or "",
                       region_id=c.owner_region_id or "", channel_id=c.owner_channel_id or ""),
        protected_until=timestamp(c.protected_until), merged_into_id=c.merged_into_id or "",
        possible_duplicate_ids=list(possible_duplicate_ids), personal_data_masked=not full,
        created_at=timestamp(c.created_at), updated_at=timestamp(c.updated_at),
        version=c.version)


def claim(row: Claim) -> pb.Claim:
    return pb.Claim(
        id=row.id, customer_id=row.customer_id,
        claimant=pb.Owner(user_id=row.claimant_id, name=row.claimant_name,
                          department_id=row.claimant_department_id or "",
                          region_id=row.claimant_region_id or "",
                          channel_id=row.channel_id or ""),
        status=row.status, note=row.note, requested_at=timestamp(row.requested_at),
        decided_at=timestamp(row.decided_at), decided_by=row.decided_by,
        decision_note=row.decision_note, protected_until=timestamp(row.protected_until))
