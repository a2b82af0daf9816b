"""`python -m identity.demo_seed`: the demo org tree, users and a branch-integration account.

Idempotent (existing org units, users and the service account are kept) and refused in
production. Every user gets the password from EDUCRM_DEMO_PASSWORD (default educrm-demo).
The service account's client id and secret are written to var/identity-demo-client.json.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from kit import settings as kit_settings
from kit.db import Database
from sqlalchemy import select

from . import org, roles
from .auth import AuthService
from .keys import SigningKeys
from .models import OrgUnit, User
from .passwords import Passwords
from .settings import IdentitySettings, load_settings
from .tokens import hash_secret
from .users import NewUser, UserService

# (code, kind, name, parent code)
ORG_UNITS = [
    ("hq", org.COMPANY, "EduCRM 教育集团", None),
    ("north", org.REGION, "北方战区", "hq"),
    ("south", org.REGION, "南方战区", "hq"),
    ("north-bj", org.BRANCH, "北京分公司", "north"),
    ("south-gz", org.BRANCH, "广州分公司", "south"),
    ("north-bj-sales", org.DEPARTMENT, "北京销售一部", "north-bj"),
    ("north-bj-service", org.DEPARTMENT, "北京客服部", "north-bj"),
    ("north-bj-finance", org.DEPARTMENT, "北京财务部", "north-bj"),
    ("north-bj-teaching", org.DEPARTMENT, "北京教学部", "north-bj"),
    ("south-gz-sales", org.DEPARTMENT, "广州销售一部", "south-gz"),
]

# (username, display name, roles, org unit code, phone)
USERS = [
    ("admin", "系统管理员", [roles.ADMIN], "hq", "13800000001"),
    ("gm1", "总经理", [roles.GENERAL_MANAGER], "hq", "13800000002"),
    ("director1", "北方战区总监", [roles.DIRECTOR], "north", "13800000003"),
    ("director2", "南方战区总监", [roles.DIRECTOR], "south", "13800000004"),
    ("manager1", "销售一部经理", [roles.DEPARTMENT_MANAGER], "north-bj-sales", "13800000005"),
    ("sales1", "销售一", [roles.SALES], "north-bj-sales", "13800000006"),
    ("sales2", "销售二", [roles.SALES], "north-bj-sales", "13800000007"),
    ("sales3", "销售三", [roles.SALES], "south-gz-sales", "13800000008"),
    ("cs1", "客服一", [roles.CUSTOMER_SERVICE], "north-bj-service", "13800000009"),
    ("finance1", "财务一", [roles.FINANCE], "north-bj-finance", "13800000010"),
    ("cashier1", "出纳一", [roles.CASHIER], "north-bj-finance", "13800000011"),
    ("teacher1", "讲师一", [roles.TEACHER], "north-bj-teaching", "13800000012"),
    ("conference1", "会务一", [roles.CONFERENCE_STAFF], "north-bj-teaching", "13800000013"),
]
SERVICE_ACCOUNT = ("bj-campus-desk", "north-bj")
DEMO_EMAIL_DOMAIN = "@demo.educrm.dev"  # how the production check recognises demo accounts
CLIENT_FILE = "identity-demo-client.json"


def seed(settings: IdentitySettings, db: Database | None = None, *,
         var_dir: Path | None = None) -> dict[str, str]:
    """Create what is missing; return username → user id."""
    if settings.is_production:
        raise SystemExit("refusing to seed demo data when EDUCRM_ENV=production")
    db = db or Database(settings.database_url)
    passwords = Passwords(time_cost=settings.argon2_time_cost,
                          memory_kib=settings.argon2_memory_kib,
                          parallelism=settings.argon2_parallelism)
    keys = SigningKeys.from_settings(settings)
    users = UserService(db, passwords, AuthService(db, settings, keys, passwords))
    units: dict[str, str] = {}
    with db.session() as s:
        for code, _kind, _name, _parent in ORG_UNITS:
            existing = s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
            if existing:
                units[code] = existing
    for code, kind, name, parent in ORG_UNITS:
        if code not in units:
            units[code] = users.create_org_unit(None, parent_id=units.get(parent, ""),
                                                kind=kind, name=name, code=code).id
    ids: dict[str, str] = {}
    with db.session() as s:
        ids.update({u.username: u.id for u in s.scalars(select(User))})
    for username, display, user_roles, unit, phone in USERS:
        if username not in ids:
            ids[username] = users.create_user(None, NewUser(
                username=username, display_name=display, password=settings.demo_password,
                email=f"{username}{DEMO_EMAIL_DOMAIN}", phone=phone, roles=tuple(user_roles),
                org_unit_id=units[unit]), enforce_policy=False).id
    name, unit = SERVICE_ACCOUNT
    target = (var_dir or Path(os.environ.get("EDUCRM_VAR_DIR", kit_settings.VAR_DIR))) / CLIENT_FILE
    if name not in ids or not target.exists():
        if name in ids:
            # The secret is shown once; without the file we cannot recover it, so replace it.
            secret = "bs_" + secrets.token_urlsafe(32)
            with db.session() as s:
                account = s.get(User, ids[name])
                account.client_secret_hash = hash_secret(secret)
                client_id = account.client_id
        else:
            account, client_id, secret = users.create_service_account(None, name, units[unit])
            ids[name] = account.id
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"client_id": client_id, "client_secret": secret}, f)
    return ids


def main() -> int:
    settings = load_settings()
    ids = seed(settings)
    print(f"identity demo data ready: {len(ids)} accounts; password from EDUCRM_DEMO_PASSWORD "
          f"(default educrm-demo); branch client in var/{CLIENT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def org_unit_ids(settings: IdentitySettings | None = None) -> dict[str, str]:
    """The demo org units' ids by code (for other services' demo seeds, which place their
    demo rows in this tree); empty when identity's demo data is not there."""
    settings = settings or load_settings()
    db = Database(settings.database_url)
    try:
        with db.session() as s:
            codes = [code for code, *_ in ORG_UNITS]
            return dict(s.execute(select(OrgUnit.code, OrgUnit.id)
                                  .where(OrgUnit.code.in_(codes))).all())
    finally:
        db.dispose()
