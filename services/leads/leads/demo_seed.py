"""`python -m leads.demo_seed`: a handful of demo customers owned by identity's demo sales
users (sales1, sales2 in Beijing's sales department, region North; sales3 in Guangzhou,
region South), so scopes show: sales see their own, manager1 the Beijing department's,
director1 North's, director2 South's, cs1 and admin all. Idempotent (fixed ids); refuses in
production. Run after identity's demo seed (tools/seed_demo.py does)."""
from __future__ import annotations

import datetime as dt
import sys

from kit.caller import Caller, DataScope
from kit.db import Database
from stdnum.cn import ric

from .customers import records, rules
from .models import Customer
from .settings import load

DEMO_ID_PREFIX = "demo-cust-"
# (id suffix, owner username, name, phone, ID number stem (17 digits) or "", company, tags)
CUSTOMERS = [
    ("001", "sales1", "张伟", "13912340001", "11010119900307123", "北京星辰科技", ["vip"]),
    ("002", "sales1", "王芳", "13912340002", "", "北京蓝海咨询", []),
    ("003", "sales1", "李娜", "13912340003", "11010519851120002", "", ["trial"]),
    ("004", "sales2", "刘洋", "13912340004", "", "中关村创新园", []),
    ("005", "sales2", "张伟", "13912340005", "", "北京远景教育", ["vip"]),
    ("006", "sales3", "陈静", "13912340006", "44010619920815302", "广州南方贸易", []),
    ("007", "sales3", "杨磊", "13912340007", "", "广州天河软件", ["trial"]),
]


def id_number(stem: str) -> str:
    return stem + ric.calc_check_digit(stem + "0") if stem else ""  # (it skips the last)


def identity_users() -> dict[str, tuple[str, str | None, str | None]]:
    """identity's demo users: username → (user id, department id, region id)."""
    try:
        from identity.models import User
        from identity.settings import load_settings
    except ModuleNotFoundError:
        return {}
    from sqlalchemy import select
    db = Database(load_settings().database_url)
    try:
        with db.session() as s:
            return {u: (i, d, r) for u, i, d, r in s.execute(select(
                User.username, User.id, User.department_id, User.region_id))}
    finally:
        db.dispose()


def seed(db: Database, users: dict[str, tuple[str, str | None, str | None]]) -> int:
    created = 0
    with db.session() as s:
        for suffix, owner, name, phone, stem, company, tags in CUSTOMERS:
            if owner not in users or s.get(Customer, DEMO_ID_PREFIX + suffix) is not None:
                continue
            user_id, department_id, region_id = users[owner]
            caller = Caller(user_id=user_id, username=owner, roles=("sales",),
                            org_unit_id=department_id, department_id=department_id,
                            region_id=region_id, data_scope=DataScope.OWN)
            profile = rules.new_profile({"name": name, "phones": [phone],
                                         "id_card": id_number(stem), "company": company,
                                         "tags": tags, "roles": ["student"]})
            records.create(s, caller, profile, protection=dt.timedelta(days=30),
                           customer_id=DEMO_ID_PREFIX + suffix)
            created += 1
    return created


def main() -> int:
    settings = load()
    if settings.production:
        print("refusing to seed demo data in production (EDUCRM_ENV=production)", file=sys.stderr)
        return 2
    users = identity_users()
    if not users:
        print("identity's demo users not found: no demo customers", file=sys.stderr)
        return 0
    db = Database(settings.database_url)
    try:
        created = seed(db, users)
    finally:
        db.dispose()
    print(f"leads demo data ready: {created} customers created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
