"""Who may freeze, unfreeze and close accounts (pure rules)."""
import pytest
from identity import freeze_rules, roles
from kit.caller import Caller, DataScope
from kit.errors import PermissionDenied


def caller(*user_roles, user_id="me"):
    return Caller(user_id=user_id, username=user_id, roles=user_roles, org_unit_id=None,
                  department_id=None, region_id=None, data_scope=roles.data_scope(user_roles),
                  rights=roles.rights(user_roles))


def test_manual_freeze_needs_admin():
    freeze_rules.check_can_freeze(caller("admin"), internal=False, automatic=False,
                                  target_user_id="u2")
    for role in ("general_manager", "director", "department_manager", "sales"):
        with pytest.raises(PermissionDenied):
            freeze_rules.check_can_freeze(caller(role), internal=False, automatic=False,
                                          target_user_id="u2")
    with pytest.raises(PermissionDenied):
        freeze_rules.check_can_freeze(None, internal=True, automatic=False, target_user_id="u2")
    with pytest.raises(PermissionDenied):
        freeze_rules.check_can_freeze(caller("admin"), internal=False, automatic=False,
                                      target_user_id="me")


def test_automatic_freeze_only_from_the_gateway():
    freeze_rules.check_can_freeze(None, internal=True, automatic=True, target_user_id="u2")
    with pytest.raises(PermissionDenied):
        freeze_rules.check_can_freeze(caller("admin"), internal=False, automatic=True,
                                      target_user_id="u2")


def test_unfreeze_admin_only():
    freeze_rules.check_can_unfreeze(caller("admin"))
    for c in (None, caller("general_manager"), caller("director", "department_manager")):
        with pytest.raises(PermissionDenied):
            freeze_rules.check_can_unfreeze(c)


def test_transitions():
    assert freeze_rules.transition("active", "frozen") is True
    assert freeze_rules.transition("frozen", "frozen") is False     # idempotent
    assert freeze_rules.transition("frozen", "active") is True
    with pytest.raises(PermissionDenied) as err:
        freeze_rules.transition("left", "frozen")
    assert err.value.reason == "user.left"


def test_scope_value_type():
    assert caller("director").data_scope == DataScope.REGION
