"""Service request rules: due times by kind and priority, the status machine, overdue, and
first-responder ownership."""
from __future__ import annotations

import datetime as dt

import pytest
from kit.caller import Caller, DataScope
from kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from leads.network import service_request_rules as rules

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def who(user_id: str, *roles: str) -> Caller:
    return Caller(user_id, user_id, roles, None, None, None, DataScope.OWN)


@pytest.mark.parametrize(("kind", "priority", "hours"), [
    ("complaint", "urgent", 2), ("complaint", "high", 8), ("complaint", "normal", 24),
    ("complaint", "low", 72), ("consultation", "normal", 48), ("suggestion", "low", 336)])
def test_due_times(kind, priority, hours):
    assert rules.due_at(kind, priority, T0) == T0 + dt.timedelta(hours=hours)


def test_complaints_are_due_before_anything_else_of_the_same_priority():
    for priority in rules.PRIORITIES:
        assert rules.DUE_HOURS["complaint"][priority] < rules.DUE_HOURS["consultation"][
            priority] < rules.DUE_HOURS["suggestion"][priority]


def test_status_machine():
    assert rules.next_status("start", "open") == "in_progress"
    assert rules.next_status("resolve", "open") == "resolved"
    assert rules.next_status("resolve", "in_progress") == "resolved"
    assert rules.next_status("close", "resolved") == "closed"
    assert rules.next_status("reopen", "closed") == "open"
    assert rules.next_status("reopen", "resolved") == "open"
    assert rules.next_status("transfer", "in_progress") == "in_progress"
    for action, status in (("start", "in_progress"), ("close", "open"), ("reopen", "open"),
                           ("transfer", "resolved"), ("resolve", "closed")):
        with pytest.raises(FailedPrecondition) as caught:
            rules.next_status(action, status)
        assert caught.value.reason == "service_request.bad_status"
    with pytest.raises(InvalidArgument):
        rules.next_status("delete", "open")


def test_overdue_only_while_unresolved():
    past = T0 - dt.timedelta(seconds=1)
    assert rules.overdue("open", past, T0) is True
    assert rules.overdue("in_progress", past, T0) is True
    assert rules.overdue("resolved", past, T0) is False
    assert rules.overdue("closed", past, T0) is False
    assert rules.overdue("open", T0, T0) is False


def test_first_responder_ownership():
    owner, recorder = "u-owner", "u-recorder"
    for action in ("start", "resolve", "transfer", "close"):
        assert rules.check_actor(action, who(owner, "sales"), owner, recorder) is None
    # someone else working customers: only reopen
    for action in ("start", "resolve", "transfer", "close"):
        with pytest.raises(PermissionDenied) as caught:
            rules.check_actor(action, who("u-other", "sales"), owner, recorder)
        assert caught.value.reason == "service_request.not_owner"
    assert rules.check_actor("reopen", who("u-other", "sales"), owner, recorder) is None
    # a supervisor transfers and closes but does not work it in the owner's place
    boss = who("u-boss", "department_manager")
    assert rules.check_actor("transfer", boss, owner, recorder) is None
    assert rules.check_actor("close", boss, owner, recorder) is None
    with pytest.raises(PermissionDenied):
        rules.check_actor("resolve", boss, owner, recorder)
    # the recorder closes what the (new) owner resolved
    assert rules.check_actor("close", who(recorder, "sales"), owner, recorder) is None
