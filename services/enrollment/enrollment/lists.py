"""Enrollment's lists, one keyset page at a time (kit.pagination), each filtered by the
caller's data scope (scope.py). A token names its list and filters."""
from __future__ import annotations

from kit import pagination
from kit.caller import Caller
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import models as m
from . import scope

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def _page(s: Session, stmt, keys, size: int, token: str, list_name: str) -> pagination.Page:
    return pagination.keyset_page(
        s, stmt, keys, token=token, list_name=list_name,
        size=pagination.page_size(size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE))


def campuses(s: Session, caller: Caller | None, size: int, token: str) -> pagination.Page:
    return _page(s, select(m.Campus).where(scope.readable_campuses(caller)),
                 (m.Campus.name, m.Campus.id), size, token, "campuses")


def courses(s: Session, caller: Caller | None, campus_id: str, category: str, size: int,
            token: str) -> pagination.Page:
    stmt = select(m.Course).where(or_(m.Course.campus_id.is_(None),
                                      m.Course.campus_id.in_(scope.readable_campus_ids(caller))))
    if campus_id:
        stmt = stmt.where(or_(m.Course.campus_id.is_(None), m.Course.campus_id == campus_id))
    if category:
        stmt = stmt.where(m.Course.category == category)
    return _page(s, stmt, (m.Course.name, m.Course.id), size, token,
                 f"courses:{campus_id}:{category}")


def terms(s: Session, caller: Caller | None, campus_id: str, size: int,
          token: str) -> pagination.Page:
    stmt = select(m.Term).where(m.Term.campus_id.in_(scope.readable_campus_ids(caller)))
    if campus_id:
        stmt = stmt.where(m.Term.campus_id == campus_id)
    return _page(s, stmt, (m.Term.start_date, m.Term.id), size, token, f"terms:{campus_id}")


def classes(s: Session, caller: Caller | None, term_id: str, size: int,
            token: str) -> pagination.Page:
    stmt = select(m.Klass).where(m.Klass.campus_id.in_(scope.readable_campus_ids(caller)))
    if term_id:
        stmt = stmt.where(m.Klass.term_id == term_id)
    return _page(s, stmt, (m.Klass.name, m.Klass.id), size, token, f"classes:{term_id}")


def orders(s: Session, caller: Caller | None, status: str, customer_id: str, size: int,
           token: str) -> pagination.Page:
    stmt = select(m.Order).where(scope.orders(caller))
    if status:
        stmt = stmt.where(m.Order.status == status)
    if customer_id:
        stmt = stmt.where(m.Order.customer_id == customer_id)
    return _page(s, stmt, (m.Order.created_at, m.Order.id), size, token,
                 f"orders:{status}:{customer_id}")


def enrollments(s: Session, caller: Caller | None, customer_id: str, status: str, size: int,
                token: str) -> pagination.Page:
    stmt = select(m.Enrollment).where(scope.enrollments(caller))
    if customer_id:
        stmt = stmt.where(m.Enrollment.customer_id == customer_id)
    if status:
        stmt = stmt.where(m.Enrollment.status == status)
    return _page(s, stmt, (m.Enrollment.confirmed_at, m.Enrollment.id), size, token,
                 f"enrollments:{customer_id}:{status}")


def registrations(s: Session, stmt, term_id: str, status: str, mine: bool, size: int,
                  token: str) -> pagination.Page:
    return _page(s, stmt, (m.AttendanceRegistration.created_at, m.AttendanceRegistration.id),
                 size, token, f"registrations:{term_id}:{status}:{int(mine)}")


def roster(s: Session, stmt, term_id: str, size: int, token: str) -> pagination.Page:
    return _page(s, stmt, (m.AttendanceRegistration.created_at, m.AttendanceRegistration.id),
                 size, token, f"roster:{term_id}")


def invitations(s: Session, stmt, stage: str, size: int, token: str) -> pagination.Page:
    return _page(s, stmt, (m.AttendanceRegistration.created_at, m.AttendanceRegistration.id),
                 size, token, f"invitations:{stage}")
