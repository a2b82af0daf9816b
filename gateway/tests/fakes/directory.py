# ruff: noqa: S105 - fixed passwords of throw-away test accounts, not secrets
"""The org tree and accounts every gateway test sees, on the fake identity AND seeded into a
real identity process (fakes.real_identity), so both answer about the same people.

Roles, rights and data scopes are not written here: the fake derives them from identity's own
role table (identity.roles), the real service from the same table. Phones are stored like
identity stores them (E.164); what a caller sees of them is the service's masking rule.
"""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class OrgUnitSpec:
    code: str
    kind: str  # company | region | branch | department
    name: str
    parent: str | None  # the parent's code

    @property
    def fake_id(self) -> str:
        return f"ou-{self.code}"


@dataclasses.dataclass(frozen=True)
class UserSpec:
    username: str
    display_name: str
    roles: tuple[str, ...]
    org_unit: str  # the org unit's code
    phone: str  # national form; stored as E.164
    password: str
    frozen: bool = False

    @property
    def fake_id(self) -> str:
        return f"u-{self.username}"

    @property
    def e164_phone(self) -> str:
        return f"+86{self.phone}"

    @property
    def email(self) -> str:
        return f"{self.username}@example.edu"


ORG_UNITS = (
    OrgUnitSpec("hq", "company", "EduCRM 教育集团", None),
    OrgUnitSpec("north", "region", "北方战区", "hq"),
    OrgUnitSpec("south", "region", "南方战区", "hq"),
    OrgUnitSpec("north-bj", "branch", "北京分公司", "north"),
    OrgUnitSpec("south-gz", "branch", "广州分公司", "south"),
    OrgUnitSpec("north-bj-sales", "department", "北京销售一部", "north-bj"),
    OrgUnitSpec("south-gz-sales", "department", "广州销售一部", "south-gz"),
)

USERS = (
    UserSpec("admin", "系统管理员", ("admin",), "hq", "13800000001", "admin-pass"),
    UserSpec("gm1", "总经理", ("general_manager",), "hq", "13800000002", "gm1-pass"),
    UserSpec("director1", "北方战区总监", ("director",), "north", "13800000003",
             "director1-pass"),
    UserSpec("director2", "南方战区总监", ("director",), "south", "13800000004",
             "director2-pass"),
    UserSpec("manager1", "销售一部经理", ("department_manager",), "north-bj-sales",
             "13800000005", "manager1-pass"),
    UserSpec("alice", "Alice", ("sales",), "north-bj-sales", "13800000006", "alice-pass"),
    UserSpec("bob", "Bob", ("sales",), "north-bj-sales", "13800000007", "bob-pass"),
    UserSpec("sales3", "销售三", ("sales",), "south-gz-sales", "13800000008", "sales3-pass"),
    UserSpec("frosty", "Frosty", ("sales",), "north-bj-sales", "13800000009", "frosty-pass",
             frozen=True),
)

USERS_BY_NAME = {u.username: u for u in USERS}
ORG_UNITS_BY_CODE = {u.code: u for u in ORG_UNITS}
