"""The org tree: company → region (战区) → branch/campus → department (pure rules + lookups)."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import OrgUnit

COMPANY, REGION, BRANCH, DEPARTMENT = "company", "region", "branch", "department"
KINDS = (COMPANY, REGION, BRANCH, DEPARTMENT)
# Which kind may sit under which (a department may also hang off a region, e.g. a regional
# sales team without a campus).
ALLOWED_PARENTS = {COMPANY: (None,), REGION: (COMPANY,), BRANCH: (REGION, COMPANY),
                   DEPARTMENT: (BRANCH, REGION, DEPARTMENT)}
MAX_DEPTH = 16


@dataclasses.dataclass(frozen=True)
class Placement:
    org_unit_id: str | None
    department_id: str | None
    region_id: str | None


def placement_from_ancestry(ancestry: list[tuple[str, str]]) -> Placement:
    """`ancestry` = [(id, kind), …] from the unit up to the root. The department is the
    nearest department (inclusive), the region the nearest region."""
    if not ancestry:
        return Placement(None, None, None)
    department = next((uid for uid, kind in ancestry if kind == DEPARTMENT), None)
    region = next((uid for uid, kind in ancestry if kind == REGION), None)
    return Placement(ancestry[0][0], department, region)


def parent_allowed(kind: str, parent_kind: str | None) -> bool:
    return kind in ALLOWED_PARENTS and parent_kind in ALLOWED_PARENTS[kind]


def ancestry(session: Session, org_unit_id: str) -> list[tuple[str, str]]:
    chain: list[tuple[str, str]] = []
    current: str | None = org_unit_id
    while current and len(chain) < MAX_DEPTH:
        unit = session.get(OrgUnit, current)
        if unit is None:
            break
        chain.append((unit.id, unit.kind))
        current = unit.parent_id
    return chain


def placement(session: Session, org_unit_id: str | None) -> Placement:
    return placement_from_ancestry(ancestry(session, org_unit_id)) if org_unit_id else \
        Placement(None, None, None)


def list_units(session: Session) -> list[OrgUnit]:
    return list(session.scalars(select(OrgUnit).order_by(OrgUnit.kind, OrgUnit.name)))
