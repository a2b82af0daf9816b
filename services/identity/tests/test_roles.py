"""Roles, data scopes, rights and org placement: pure rules."""
import pytest
from identity import org, roles
from kit.caller import DataScope


@pytest.mark.parametrize("user_roles, scope", [
    (["admin"], DataScope.ALL),
    (["general_manager"], DataScope.ALL),
    (["customer_service"], DataScope.ALL),
    (["director"], DataScope.REGION),
    (["department_manager"], DataScope.DEPARTMENT),
    (["conference_staff"], DataScope.CURRENT_TERM),
    (["sales"], DataScope.OWN),
    (["teacher"], DataScope.OWN),
    (["sales", "department_manager"], DataScope.DEPARTMENT),   # the widest wins
    (["sales", "director", "conference_staff"], DataScope.REGION),
    ([], DataScope.OWN),
])
def test_data_scope_is_the_widest(user_roles, scope):
    assert roles.data_scope(user_roles) == scope


def test_rights():
    assert roles.EXPORT in roles.rights(["department_manager"])
    assert roles.EXPORT not in roles.rights(["sales", "customer_service", "finance"])
    assert set(roles.rights(["admin"])) >= {roles.DELETE, roles.USER_ADMIN, roles.UNFREEZE,
                                            roles.AUDIT_READ, roles.EXPORT}
    for role in roles.ALL_ROLES:
        if role != roles.ADMIN:
            assert roles.DELETE not in roles.rights([role])
            assert roles.UNFREEZE not in roles.rights([role])
    assert roles.FINANCE_REVIEW in roles.rights(["finance"])
    assert roles.rights(["department_manager", "director", "general_manager"])[-3:] == (
        roles.APPROVE_LEVEL1, roles.APPROVE_LEVEL2, roles.APPROVE_LEVEL3)
    # only management may export
    assert {r for r in roles.ALL_ROLES if roles.EXPORT in roles.rights([r])} == \
        set(roles.MANAGEMENT_ROLES)


def test_check_roles():
    assert roles.check_roles(["sales", "sales"]) == ("sales",)
    with pytest.raises(roles.UnknownRole):
        roles.check_roles(["root"])
    with pytest.raises(roles.UnknownRole):
        roles.check_roles([])
    with pytest.raises(roles.UnknownRole):
        roles.check_roles(["branch_integration"])  # only for service accounts
    assert roles.check_roles(["branch_integration"], service_account=True) == \
        ("branch_integration",)


def test_placement_from_ancestry():
    chain = [("d1", org.DEPARTMENT), ("b1", org.BRANCH), ("r1", org.REGION), ("c", org.COMPANY)]
    assert org.placement_from_ancestry(chain) == org.Placement("d1", "d1", "r1")
    assert org.placement_from_ancestry(chain[2:]) == org.Placement("r1", None, "r1")
    assert org.placement_from_ancestry(chain[3:]) == org.Placement("c", None, None)
    # a sub-department belongs to its nearest department
    assert org.placement_from_ancestry([("d2", org.DEPARTMENT), *chain]).department_id == "d2"
    assert org.parent_allowed(org.REGION, org.COMPANY)
    assert not org.parent_allowed(org.REGION, org.BRANCH)
    assert not org.parent_allowed(org.COMPANY, org.COMPANY)
