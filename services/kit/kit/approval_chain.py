"""Multi-level approval (审批流), written once for every service: a document (a refund, an
attendance registration, an order's discount, a claim to arbitrate) is submitted, then
decided level by level, in order.

Rules every chain keeps:
- levels are decided strictly in order; each level names the roles (or the right) that may
  decide it;
- nobody decides their own document, and (by default) nobody decides two levels of one
  document: a department head who is also in finance cannot wave a refund through twice;
- a rejection at any level ends the request; an approval of the last level approves it;
- decisions are append-only rows, one per (document, level): two deciders racing on one
  level get one decision and one `approval.already_decided` conflict, never two.

The service keeps its own document (status, amounts) and calls `submit` / `decide` in the
transaction that changes it, then acts on `Approval.status`. Data scope is the service's
check: decide only documents the caller may see (kit.data_scope) before calling `decide`.

A service adds both tables to its own metadata (`approval_tables(Base.metadata)`) so its
Alembic migrations create them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Select,
    String,
    Table,
    and_,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kit.caller import Caller
from kit.db import NAMING_CONVENTION
from kit.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied

REQUESTS_TABLE = "approval_requests"
DECISIONS_TABLE = "approval_decisions"

PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"


def approval_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Define (once) the two approval tables in a service's metadata and return them."""
    if REQUESTS_TABLE in metadata.tables:
        return metadata.tables[REQUESTS_TABLE], metadata.tables[DECISIONS_TABLE]
    requests = Table(
        REQUESTS_TABLE, metadata,
        Column("document_type", String(64), nullable=False),
        Column("document_id", String(64), nullable=False),
        Column("status", String(16), nullable=False),
        Column("next_level", Integer, nullable=False),  # index of the level to decide next
        Column("submitted_by", String(64), nullable=False),
        Column("submitted_by_name", String(100), nullable=False),
        Column("submitted_at", DateTime(timezone=True), nullable=False),
        # Where the document sits in the org tree, for scoped to-do lists.
        Column("department_id", String(64), nullable=True),
        Column("region_id", String(64), nullable=True),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("version", Integer, nullable=False),
        PrimaryKeyConstraint("document_type", "document_id"),
    )
    # To-do lists: pending requests of a type waiting at a level.
    Index(f"ix_{REQUESTS_TABLE}_waiting", requests.c.document_type, requests.c.status,
          requests.c.next_level)
    decisions = Table(
        DECISIONS_TABLE, metadata,
        Column("document_type", String(64), nullable=False),
        Column("document_id", String(64), nullable=False),
        Column("level", Integer, nullable=False),
        Column("level_name", String(64), nullable=False),
        Column("decision", String(16), nullable=False),      # approved | rejected
        Column("decided_by", String(64), nullable=False),
        Column("decided_by_name", String(100), nullable=False),
        Column("note", String(500), nullable=False),
        Column("decided_at", DateTime(timezone=True), nullable=False),
        # One decision per level: the key that settles two deciders racing.
        PrimaryKeyConstraint("document_type", "document_id", "level"),
    )
    return requests, decisions


# A private definition for the kit's own SQL; same tables whatever metadata the service uses.
REQUESTS, DECISIONS = approval_tables(MetaData(naming_convention=NAMING_CONVENTION))


@dataclasses.dataclass(frozen=True)
class Level:
    """One step of a chain: who may decide it (any of `roles`, or holders of `right`)."""

    name: str
    title_en: str
    title_zh: str
    roles: frozenset[str] = frozenset()
    right: str | None = None

    def admits(self, caller: Caller) -> bool:
        return caller.has_role(*self.roles) or (self.right is not None and caller.can(self.right))


@dataclasses.dataclass(frozen=True)
class Chain:
    document_type: str
    levels: tuple[Level, ...]
    # Separation of duties: one person decides at most one level of a document.
    distinct_deciders: bool = True

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError("an approval chain needs at least one level")
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(f"level names repeat in {self.document_type}: {names}")


@dataclasses.dataclass(frozen=True)
class Decision:
    level: int
    level_name: str
    decision: str
    decided_by: str
    decided_by_name: str
    note: str
    decided_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Approval:
    document_type: str
    document_id: str
    status: str
    next_level: Level | None          # None once it is no longer pending
    submitted_by: str
    submitted_at: dt.datetime
    decisions: tuple[Decision, ...]

    @property
    def ended(self) -> bool:
        return self.status != PENDING


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def submit(session: Session, chain: Chain, document_id: str, submitter: Caller, *,
           department_id: str | None = None, region_id: str | None = None,
           now: dt.datetime | None = None) -> Approval:
    """Open the approval of a document. Submitting it again while it is pending (a retry)
    returns it as it is; a document whose approval ended cannot be submitted again (a new
    request is a new document)."""
    existing = session.execute(select(REQUESTS).where(
        REQUESTS.c.document_type == chain.document_type,
        REQUESTS.c.document_id == document_id)).first()
    if existing is not None:
        if existing.status == PENDING and existing.submitted_by == submitter.user_id:
            return load(session, chain, document_id)
        raise _already_submitted(chain, document_id)
    at = _now(now)
    try:
        session.execute(REQUESTS.insert().values(
            document_type=chain.document_type, document_id=document_id, status=PENDING,
            next_level=0, submitted_by=submitter.user_id,
            submitted_by_name=submitter.username, submitted_at=at,
            department_id=department_id, region_id=region_id, updated_at=at, version=1))
    except IntegrityError:  # a concurrent submission of the same document won
        raise _already_submitted(chain, document_id) from None
    return load(session, chain, document_id)


def load(session: Session, chain: Chain, document_id: str) -> Approval:
    row = session.execute(select(REQUESTS).where(
        REQUESTS.c.document_type == chain.document_type,
        REQUESTS.c.document_id == document_id)).first()
    if row is None:
        raise NotFound(f"No approval request for {chain.document_type} {document_id}.",
                       reason="approval.not_found",
                       message_zh=f"{chain.document_type} {document_id} 没有审批申请。")
    decisions = tuple(
        Decision(d.level, d.level_name, d.decision, d.decided_by, d.decided_by_name, d.note,
                 d.decided_at)
        for d in session.execute(select(DECISIONS).where(
            DECISIONS.c.document_type == chain.document_type,
            DECISIONS.c.document_id == document_id).order_by(DECISIONS.c.level)))
    pending = row.status == PENDING
    return Approval(chain.document_type, document_id, row.status,
                    chain.levels[row.next_level] if pending else None, row.submitted_by,
                    row.submitted_at, decisions)


def decide(session: Session, chain: Chain, document_id: str, caller: Caller, *,
           approve: bool, note: str = "", now: dt.datetime | None = None) -> Approval:
    """Record `caller`'s decision at the document's next level and return the new state."""
    current = load(session, chain, document_id)
    if current.ended:
        raise FailedPrecondition(
            f"This approval has ended ({current.status}); nothing is left to decide.",
            reason="approval.ended",
            message_zh=f"该审批已结束（{_STATUS_ZH[current.status]}），无需再审批。")
    level = current.next_level
    assert level is not None
    if caller.user_id == current.submitted_by:
        raise PermissionDenied("Nobody may approve or reject their own request.",
                               reason="approval.own_request",
                               message_zh="不能审批自己提交的申请。")
    if chain.distinct_deciders and any(d.decided_by == caller.user_id
                                       for d in current.decisions):
        raise PermissionDenied(
            "You already decided an earlier level of this request; another person must "
            "decide this one.", reason="approval.already_decided_by_you",
            message_zh="您已审批过该申请的上一级，本级须由他人审批。")
    if not level.admits(caller):
        raise PermissionDenied(
            f"This request waits for {level.title_en}; you may not decide that level.",
            reason="approval.not_your_level",
            message_zh=f"该申请正等待{level.title_zh}审批，您无权审批此级。")
    index = chain.levels.index(level)
    at = _now(now)
    decision = "approved" if approve else "rejected"
    last = index == len(chain.levels) - 1
    status = PENDING if approve and not last else (APPROVED if approve else REJECTED)
    # No savepoint: a conflict ends the caller's whole transaction (the document's change
    # with it), which is what a lost race must do. SQLite's driver would also commit early
    # at the release of an outermost savepoint.
    try:
        session.execute(DECISIONS.insert().values(
            document_type=chain.document_type, document_id=document_id, level=index,
            level_name=level.name, decision=decision, decided_by=caller.user_id,
            decided_by_name=caller.username, note=note[:500], decided_at=at))
    except IntegrityError:  # the other decider of this level committed first
        raise _already_decided() from None
    moved = session.execute(update(REQUESTS).where(
        REQUESTS.c.document_type == chain.document_type,
        REQUESTS.c.document_id == document_id, REQUESTS.c.status == PENDING,
        REQUESTS.c.next_level == index,
    ).values(status=status, next_level=index + 1 if approve else index,
             updated_at=at, version=REQUESTS.c.version + 1)).rowcount
    if moved != 1:  # withdrawn or decided meanwhile
        raise _already_decided()
    return load(session, chain, document_id)


def withdraw(session: Session, chain: Chain, document_id: str, caller: Caller, *,
             now: dt.datetime | None = None) -> Approval:
    """The submitter takes a pending request back (ends it; decisions so far are kept)."""
    current = load(session, chain, document_id)
    if caller.user_id != current.submitted_by:
        raise PermissionDenied("Only the person who submitted a request may withdraw it.",
                               reason="approval.not_submitter",
                               message_zh="只有提交人可以撤回申请。")
    if current.ended:
        raise FailedPrecondition(
            f"This approval has ended ({current.status}).", reason="approval.ended",
            message_zh=f"该审批已结束（{_STATUS_ZH[current.status]}）。")
    session.execute(update(REQUESTS).where(
        REQUESTS.c.document_type == chain.document_type,
        REQUESTS.c.document_id == document_id, REQUESTS.c.status == PENDING,
    ).values(status=WITHDRAWN, updated_at=_now(now), version=REQUESTS.c.version + 1))
    return load(session, chain, document_id)


def waiting_for(chains: Iterable[Chain], caller: Caller) -> Select:
    """The pending requests whose next level `caller` may decide (a to-do list), excluding
    their own. Add the service's data-scope condition on department_id / region_id."""
    conditions = []
    for chain in chains:
        levels = [i for i, level in enumerate(chain.levels) if level.admits(caller)]
        if levels:
            conditions.append(and_(REQUESTS.c.document_type == chain.document_type,
                                   REQUESTS.c.next_level.in_(levels)))
    return (select(REQUESTS)
            .where(REQUESTS.c.status == PENDING, REQUESTS.c.submitted_by != caller.user_id,
                   or_(*conditions) if conditions else false())
            .order_by(REQUESTS.c.submitted_at, REQUESTS.c.document_id))


def _already_submitted(chain: Chain, document_id: str) -> AlreadyExists:
    return AlreadyExists(
        f"{chain.document_type} {document_id} was already submitted for approval.",
        reason="approval.already_submitted",
        message_zh=f"{chain.document_type} {document_id} 已提交审批。")


def _already_decided() -> AlreadyExists:
    return AlreadyExists(
        "Someone else decided this request at the same moment; reload it.",
        reason="approval.already_decided", message_zh="他人已同时处理了该申请，请刷新后查看。")


_STATUS_ZH = {PENDING: "审批中", APPROVED: "已通过", REJECTED: "已驳回", WITHDRAWN: "已撤回"}
