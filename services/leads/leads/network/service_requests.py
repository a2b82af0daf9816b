"""Service requests (服务请求): a customer's complaint, suggestion or consultation, recorded
by whoever first hears it, who then owns it (首问负责制) until it is resolved or explicitly
transferred; due times by kind and priority; status with reopening (service_request_rules).

Seen through the customer (and by the request's owner); every action is kept in
service_request_history and published as crm.leads.service_request.changed.v1.
"""
from __future__ import annotations

import dataclasses

from kit import pagination
from kit.caller import Caller
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..customers import records as customer_records
from ..models import StaffMember, utcnow
from ..models.network import ServiceRequest, ServiceRequestHistory
from . import events, scope
from . import service_request_rules as rules
from .common import choice, ident, invalid, lock_row, text


def not_found(request_id: str):
    return scope.not_found("service_request", "服务请求", request_id)


def _history(s: Session, row: ServiceRequest, action: str, actor: str, **detail) -> None:
    s.add(ServiceRequestHistory(request_id=row.id, action=action, actor_id=actor,
                                detail=detail, at=utcnow()))


def create(s: Session, who: Caller, customer_id: str, kind: str, priority: str, subject: str,
           description: str) -> ServiceRequest:
    kind = choice("kind", kind, rules.KINDS, "请求类型")
    priority = choice("priority", priority or "normal", rules.PRIORITIES, "优先级")
    subject = text("subject", subject, 200, "主题", required=True)
    description = text("description", description, 4000, "描述", multiline=True)
    customer = customer_records.visible(s, who, customer_id)
    now = utcnow()
    row = ServiceRequest(
        customer_id=customer.id, kind=kind, priority=priority, subject=subject,
        description=description, status=rules.OPEN, owner_id=who.user_id,
        owner_name=who.username, owner_department_id=who.department_id,
        owner_region_id=who.region_id, recorded_by=who.user_id,
        due_at=rules.due_at(kind, priority, now), created_at=now, updated_at=now, version=1)
    s.add(row)
    s.flush()
    _history(s, row, "created", who.user_id)
    events.service_request_created(s, row)
    return row


def visible(s: Session, who: Caller, request_id: str, *, for_update: bool = False
            ) -> ServiceRequest:
    stmt = select(ServiceRequest).where(ServiceRequest.id == request_id,
                                        scope.service_requests_visible(who))
    if for_update:
        stmt = stmt.with_for_update()
    row = s.scalars(stmt).first() if request_id else None
    if row is None:
        raise not_found(request_id)
    return row


def act(s: Session, who: Caller, row: ServiceRequest, action: str, note: str,
        transfer_to: str, transfer_to_name: str) -> ServiceRequest:
    action = choice("action", action, rules.ACTIONS, "操作")
    note = text("note", note, 4000, "说明", multiline=True)
    lock_row(s, ServiceRequest.id, row.id)
    s.refresh(row)   # the status a concurrent action left, not the one read before the lock
    after = rules.next_status(action, row.status)
    rules.check_actor(action, who, row.owner_id, row.recorded_by)
    now = utcnow()
    detail: dict = {"from": row.status, "to": after}
    if action == "resolve":
        if not note:
            raise invalid("note", "a resolution is required", "请填写处理结果")
        row.resolution, row.resolved_at = note, now
    elif action == "close":
        row.closed_at = now
    elif action == "reopen":
        row.reopened_count += 1
        row.resolved_at = row.closed_at = None
        row.due_at = rules.due_at(row.kind, row.priority, now)   # a new promise
    elif action == "transfer":
        target = ident("transfer_to_user_id", transfer_to)
        if target is None or target == row.owner_id:
            raise invalid("transfer_to_user_id", "name the new owner (someone else)",
                          "请指定新的负责人（非当前负责人）")
        staff = s.get(StaffMember, target)
        if staff is not None and staff.left:
            raise invalid("transfer_to_user_id", "the new owner has left", "新负责人已离职")
        detail = {"from_owner": row.owner_id, "to_owner": target}
        row.owner_id = target
        row.owner_name = text("transfer_to_name", transfer_to_name, 100, "姓名") or (
            staff.username if staff is not None else "")
        row.owner_department_id = staff.department_id if staff is not None else None
        row.owner_region_id = staff.region_id if staff is not None else None
    row.status = after
    row.updated_at = now
    row.version += 1
    s.flush()
    _history(s, row, action, who.user_id, note=note, **detail)
    events.service_request_changed(s, row, action, who.user_id)
    return row


@dataclasses.dataclass(frozen=True)
class Filters:
    customer_id: str = ""
    status: str = ""
    kind: str = ""
    owner_id: str = ""
    overdue_only: bool = False


def list_page(s: Session, who: Caller, f: Filters, size: int, token: str) -> pagination.Page:
    stmt = select(ServiceRequest).where(scope.service_requests_visible(who))
    if f.customer_id:
        stmt = stmt.where(ServiceRequest.customer_id == f.customer_id)
    if f.status:
        stmt = stmt.where(ServiceRequest.status == choice("status", f.status, rules.STATUSES,
                                                          "状态"))
    if f.kind:
        stmt = stmt.where(ServiceRequest.kind == choice("kind", f.kind, rules.KINDS, "请求类型"))
    if f.owner_id:
        stmt = stmt.where(ServiceRequest.owner_id == f.owner_id)
    if f.overdue_only:
        stmt = stmt.where(ServiceRequest.status.in_(rules.UNRESOLVED),
                          ServiceRequest.due_at < utcnow())
    name = "service_requests:" + "|".join(str(v) for v in dataclasses.astuple(f))
    return pagination.keyset_page(s, stmt, [ServiceRequest.created_at, ServiceRequest.id],
                                  token=token, size=pagination.page_size(size),
                                  list_name=name, descending=True)
