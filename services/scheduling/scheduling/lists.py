"""The scheduling lists, one keyset page at a time (kit.pagination), each filtered by the
caller's data scope (scope.py). A token names its list and filters (a rooms token of one
campus is refused for another campus or for teachers)."""
from __future__ import annotations

from kit import pagination
from kit.caller import Caller
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from . import scope

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500  # the gateway's `limit` allows 1..500 too


def _page(s: Session, stmt, keys, size: int, token: str, list_name: str) -> pagination.Page:
    return pagination.keyset_page(
        s, stmt, keys, token=token, list_name=list_name,
        size=pagination.page_size(size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE))


def campuses(s: Session, caller: Caller | None, size: int, token: str) -> pagination.Page:
    return _page(s, select(m.Campus).where(scope.visible_campuses(caller)),
                 (m.Campus.name, m.Campus.id), size, token, "campuses")


def courses(s: Session, size: int, token: str) -> pagination.Page:
    """The course catalogue is the company's, shared by every campus."""
    return _page(s, select(m.Course), (m.Course.name, m.Course.id), size, token, "courses")


def timeslots(s: Session, campus_id: str, size: int, token: str) -> pagination.Page:
    return _page(s, select(m.Timeslot).where(m.Timeslot.campus_id == campus_id),
                 (m.Timeslot.day, m.Timeslot.period), size, token, f"timeslots:{campus_id}")


def rooms(s: Session, campus_id: str, size: int, token: str) -> pagination.Page:
    return _page(s, select(m.Room).where(m.Room.campus_id == campus_id),
                 (m.Room.name, m.Room.id), size, token, f"rooms:{campus_id}")


def teachers(s: Session, campus_id: str, size: int, token: str) -> pagination.Page:
    return _page(s, select(m.Teacher).where(m.Teacher.campus_id == campus_id),
                 (m.Teacher.name, m.Teacher.id), size, token, f"teachers:{campus_id}")


def terms(s: Session, campus_id: str, size: int, token: str) -> pagination.Page:
    return _page(s, select(m.Term).where(m.Term.campus_id == campus_id),
                 (m.Term.start_date, m.Term.id), size, token, f"terms:{campus_id}")


def sections(s: Session, campus_id: str, term_id: str, course_id: str, size: int,
             token: str) -> pagination.Page:
    stmt = select(m.ClassSection).where(m.ClassSection.campus_id == campus_id)
    if term_id:
        stmt = stmt.where(m.ClassSection.term_id == term_id)
    if course_id:
        stmt = stmt.where(m.ClassSection.course_id == course_id)
    return _page(s, stmt, (m.ClassSection.name, m.ClassSection.id), size, token,
                 f"sections:{campus_id}:{term_id}:{course_id}")
