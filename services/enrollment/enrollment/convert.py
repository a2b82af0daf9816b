"""Rows -> protobuf messages (no rules here)."""
from __future__ import annotations

import datetime as dt

from contracts.enrollment import enrollment_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp

from . import models as m


def _ts(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive datetimes; we store UTC
        value = value.replace(tzinfo=dt.UTC)
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def campus(c: m.Campus, department_ids: list[str]) -> pb.Campus:
    return pb.Campus(id=c.id, name=c.name, region_id=c.region_id or "",
                     department_ids=department_ids)


def course(c: m.Course, ratios: list[m.CommissionRatio]) -> pb.Course:
    return pb.Course(
        id=c.id, name=c.name, category=c.category, stage=c.stage,
        prerequisite_course_id=c.prerequisite_course_id or "", tool=c.tool,
        lesson_hours=c.lesson_hours, price_fen=c.price_fen, campus_id=c.campus_id or "",
        absence_counts_as_consumed=c.absence_counts_as_consumed, active=c.active,
        commission_version=c.commission_version,
        commission_ratios=[pb.CommissionRatio(role=r.role, channel_tier=r.channel_tier,
                                              ratio_bp=r.ratio_bp) for r in ratios])


def term(t: m.Term) -> pb.Term:
    return pb.Term(id=t.id, campus_id=t.campus_id, name=t.name,
                   start_date=t.start_date.isoformat(), end_date=t.end_date.isoformat())


def klass(k: m.Klass, taken: int) -> pb.Class:
    return pb.Class(id=k.id, term_id=k.term_id, campus_id=k.campus_id, course_id=k.course_id,
                    name=k.name, capacity=k.capacity, start_date=k.start_date.isoformat(),
                    end_date=k.end_date.isoformat(), taken=taken)


def order(o: m.Order) -> pb.Order:
    return pb.Order(
        id=o.id, kind=o.kind, customer_id=o.customer_id,
        payer_customer_id=o.payer_customer_id or "", proxy_registration=o.proxy_registration,
        course_id=o.course_id, course_ids=list(o.course_ids), class_id=o.class_id or "",
        term_id=o.term_id or "", campus_id=o.campus_id, seller_id=o.seller_id,
        seller_department_id=o.seller_department_id or "",
        seller_region_id=o.seller_region_id or "", channel_id=o.channel_id or "",
        channel_tier=o.channel_tier or "", list_price_fen=o.list_price_fen,
        discount_fen=o.discount_fen, price_fen=o.price_fen, deposit_fen=o.deposit_fen,
        lesson_hours=o.lesson_hours, status=o.status,
        renews_enrollment_id=o.renews_enrollment_id or "", cancel_reason=o.cancel_reason,
        created_at=_ts(o.created_at), placed_at=_ts(o.placed_at),
        commission=[pb.OrderCommission(course_id=c, version=int(v))
                    for c, v in sorted(o.commission_versions.items())])


def enrollment(e: m.Enrollment) -> pb.Enrollment:
    return pb.Enrollment(
        id=e.id, order_id=e.order_id, customer_id=e.customer_id, course_id=e.course_id,
        class_id=e.class_id or "", term_id=e.term_id or "", campus_id=e.campus_id,
        seller_id=e.seller_id, status=e.status, purchased_hours=e.purchased_hours,
        consumed_hours=e.consumed_hours, remaining_hours=e.purchased_hours - e.consumed_hours,
        price_fen=e.price_fen, confirmed_at=_ts(e.confirmed_at))


def registration(r: m.AttendanceRegistration, approval) -> pb.AttendanceRegistration:
    return pb.AttendanceRegistration(
        id=r.id, term_id=r.term_id, campus_id=r.campus_id, customer_id=r.customer_id,
        enrollment_id=r.enrollment_id or "", card=r.card, requested_card=r.requested_card,
        seller_id=r.seller_id, status=r.status,
        next_level=approval.next_level.name if approval.next_level else "",
        remaining_hours=r.remaining_hours, created_at=_ts(r.created_at), note=r.note,
        invitation_stage=r.invitation_stage or "",
        invitation_owner_id=r.invitation_owner_id or "",
        decisions=[pb.ApprovalDecision(level_name=d.level_name, decision=d.decision,
                                       decided_by=d.decided_by, note=d.note,
                                       decided_at=_ts(d.decided_at))
                   for d in approval.decisions])


def roster_entry(r: m.AttendanceRegistration) -> pb.RosterEntry:
    return pb.RosterEntry(registration_id=r.id, customer_id=r.customer_id,
                          enrollment_id=r.enrollment_id or "", card=r.card,
                          seller_id=r.seller_id)
