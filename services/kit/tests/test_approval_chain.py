"""kit.approval_chain on SQLite and PostgreSQL: levels in order, nobody decides their own
request or two levels of one, a rejection ends it, withdrawal, to-do lists, and two deciders
racing on one level (held at a barrier so they really overlap: one decision survives)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from kit import approval_chain as ac
from kit import testing
from kit.caller import Caller, DataScope
from kit.db import NAMING_CONVENTION, Database
from kit.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from sqlalchemy import MetaData, func, select

postgres_url = testing.postgres_database_fixture(scope="module", name="postgres_url")

METADATA = MetaData(naming_convention=NAMING_CONVENTION)
ac.approval_tables(METADATA)

REFUND = ac.Chain("refund", (
    ac.Level("department_head", "the department head", "部门负责人",
             roles=frozenset({"department_manager"})),
    ac.Level("finance", "finance", "财务", roles=frozenset({"finance"})),
    ac.Level("general_manager", "the general manager", "总经理",
             roles=frozenset({"general_manager"}), right="approve.level3"),
))


def person(user_id: str, *roles: str, rights: tuple[str, ...] = ()) -> Caller:
    return Caller(user_id=user_id, username=user_id, roles=roles, org_unit_id=None,
                  department_id="d1", region_id="r1", data_scope=DataScope.DEPARTMENT,
                  rights=rights)


SELLER = person("seller", "sales")
HEAD = person("head", "department_manager")
FINANCE = person("fin", "finance")
GM = person("gm", "general_manager")
HEAD_AND_FINANCE = person("both", "department_manager", "finance")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'svc.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    database = Database(url)
    METADATA.drop_all(database.engine)
    METADATA.create_all(database.engine)
    yield database
    METADATA.drop_all(database.engine)
    database.dispose()


def submit(db, document_id="r-1", who=SELLER):
    with db.session() as s:
        return ac.submit(s, REFUND, document_id, who, department_id="d1", region_id="r1")


def decide(db, who, approve=True, document_id="r-1", note=""):
    with db.session() as s:
        return ac.decide(s, REFUND, document_id, who, approve=approve, note=note)


def test_levels_are_decided_in_order_until_approved(db):
    assert submit(db).next_level.name == "department_head"
    with pytest.raises(PermissionDenied) as early:  # finance may not skip the department head
        decide(db, FINANCE)
    assert early.value.reason == "approval.not_your_level"
    assert decide(db, HEAD, note="ok").next_level.name == "finance"
    assert decide(db, FINANCE).next_level.name == "general_manager"
    done = decide(db, person("deputy", "sales", rights=("approve.level3",)))  # the right admits
    assert (done.status, done.next_level, done.ended) == ("approved", None, True)
    assert [(d.level_name, d.decision, d.decided_by) for d in done.decisions] == [
        ("department_head", "approved", "head"), ("finance", "approved", "fin"),
        ("general_manager", "approved", "deputy")]
    with pytest.raises(FailedPrecondition) as ended:
        decide(db, GM)
    assert ended.value.reason == "approval.ended"


def test_nobody_decides_their_own_request(db):
    submit(db, who=HEAD)
    with pytest.raises(PermissionDenied) as own:
        decide(db, HEAD)
    assert own.value.reason == "approval.own_request"
    assert own.value.message_zh == "不能审批自己提交的申请。"


def test_one_person_decides_one_level_of_a_document(db):
    submit(db)
    decide(db, HEAD_AND_FINANCE)
    with pytest.raises(PermissionDenied) as twice:
        decide(db, HEAD_AND_FINANCE)
    assert twice.value.reason == "approval.already_decided_by_you"
    relaxed = ac.Chain("refund", REFUND.levels, distinct_deciders=False)
    with db.session() as s:
        assert ac.decide(s, relaxed, "r-1", HEAD_AND_FINANCE,
                         approve=True).next_level.name == "general_manager"


def test_a_rejection_at_any_level_ends_it(db):
    submit(db)
    decide(db, HEAD)
    rejected = decide(db, FINANCE, approve=False, note="amount wrong")
    assert rejected.status == "rejected" and rejected.ended
    assert rejected.decisions[-1].note == "amount wrong"
    with pytest.raises(FailedPrecondition):
        decide(db, GM)
    with pytest.raises(AlreadyExists) as again:  # a new request is a new document
        submit(db)
    assert again.value.reason == "approval.already_submitted"


def test_a_pending_resubmission_is_a_retry(db):
    first = submit(db)
    assert submit(db) == first
    with pytest.raises(AlreadyExists):
        submit(db, who=HEAD)  # someone else cannot take the document over


def test_only_the_submitter_withdraws(db):
    submit(db)
    decide(db, HEAD)
    with pytest.raises(PermissionDenied):
        with db.session() as s:
            ac.withdraw(s, REFUND, "r-1", HEAD)
    with db.session() as s:
        withdrawn = ac.withdraw(s, REFUND, "r-1", SELLER)
    assert withdrawn.status == "withdrawn" and len(withdrawn.decisions) == 1
    with pytest.raises(FailedPrecondition):
        decide(db, FINANCE)


def test_unknown_document_is_not_found(db):
    with pytest.raises(NotFound):
        decide(db, HEAD, document_id="missing")


def test_to_do_lists_show_what_waits_for_the_caller(db):
    submit(db, "r-1")
    submit(db, "r-2")
    submit(db, "r-3", who=HEAD)   # the head's own: not on the head's list
    decide(db, HEAD, document_id="r-2")

    def waiting(who):
        with db.session() as s:
            return [r.document_id for r in s.execute(ac.waiting_for([REFUND], who))]

    assert waiting(HEAD) == ["r-1"]
    assert waiting(FINANCE) == ["r-2"]
    assert waiting(GM) == []
    assert waiting(SELLER) == []


def test_two_deciders_racing_on_one_level_get_one_decision(db, monkeypatch):
    submit(db)
    other_head = person("head2", "department_manager")
    barrier = threading.Barrier(2, timeout=20)
    original = ac.load
    held = []

    def load_then_wait(session, chain, document_id):
        state = original(session, chain, document_id)
        if len(held) < 2:
            held.append(1)
            barrier.wait()  # both have read "waiting for the department head"
        return state

    monkeypatch.setattr(ac, "load", load_then_wait)
    outcomes = []
    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(decide, db, who) for who in (HEAD, other_head)]:
            try:
                outcomes.append(("ok", future.result()))
            except AlreadyExists as error:
                outcomes.append(("lost", error.reason))
    monkeypatch.undo()
    assert len(held) == 2 and not barrier.broken  # a real overlap
    assert sorted(kind for kind, _ in outcomes) == ["lost", "ok"], outcomes
    assert ("lost", "approval.already_decided") in outcomes
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ac.DECISIONS)) == 1
        assert ac.load(s, REFUND, "r-1").next_level.name == "finance"
