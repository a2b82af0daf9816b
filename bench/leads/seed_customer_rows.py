"""Seed N synthetic customers into a migrated leads PostgreSQL database, fast (COPY), with
what the service itself would write: normalised phones (E.164), valid GB 11643 ID numbers,
the search terms (leads.customers.search) and owners spread over a few salespeople in two
departments and regions. Deterministic for a given N (seeded random stream).

    python bench/leads/seed_customer_rows.py URL N

`sample(n)` gives the keys of some seeded customers (phones, ID numbers, a name) for the
lookups of the bench.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import random
import sys
import uuid

import psycopg2
from leads.customers import rules, search
from stdnum.cn import ric

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
            "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
            "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国文斌宇浩凯健俊帆帅"
         "旭宁龙林欣佳雪婷琳晨阳")
COMPANY_WORDS = ["星辰", "蓝海", "远景", "天河", "中关村", "南方", "创新", "华夏", "博雅", "未来",
                 "东方", "长城", "领航", "智慧", "卓越", "优学", "启明", "鸿图", "金桥", "新锐"]
COMPANY_KINDS = ["科技", "咨询", "教育", "贸易", "软件", "集团", "传媒", "制造", "物流", "医药"]
REGIONS = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京"]
STAGES = ["lead", "lead", "lead", "prospect", "prospect", "enrolled", "alumni"]
# (owner id, name, department, region): two departments in North, one in South
OWNERS = [(f"bench-sales-{i}", f"sales{i}", "dep-bj-sales" if i < 8 else
           ("dep-bj-sales2" if i < 14 else "dep-gz-sales"),
           "reg-north" if i < 14 else "reg-south") for i in range(20)]
AREAS = ["110101", "110105", "110108", "110102", "310101", "310104"]  # valid for 1960-2001


def _customer(i: int, rnd: random.Random) -> dict:
    name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
    company = rnd.choice(COMPANY_WORDS) + rnd.choice(COMPANY_KINDS)
    phone = f"+86{rnd.choice((135, 136, 137, 138, 139, 150, 158, 186, 188))}{i:08d}"
    card = None
    if i % 2 == 0:
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(15000))
        stem = f"{rnd.choice(AREAS)}{born:%Y%m%d}{i % 1000:03d}"
        # a unique number per customer: the sequence part comes from i, the area and date vary
        card = stem + ric.calc_check_digit(stem + "0")
    owner = OWNERS[i % len(OWNERS)]
    created = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=i * 37)
    return {"id": str(uuid.UUID(int=rnd.getrandbits(128))), "name": name, "company": company,
            "phone": phone, "id_card": card, "owner": owner, "created": created,
            "region": rnd.choice(REGIONS), "stage": rnd.choice(STAGES)}


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).replace("\\", "\\\\")
                               .replace("\t", " ").replace("\n", " ") for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def seed(url: str, n: int, *, chunk: int = 20_000, start: int = 0) -> None:
    dsn = url.replace("postgresql+psycopg2://", "postgresql://")
    rnd = random.Random(20261129 + start)  # noqa: S311 - synthetic data
    seen_cards: set[str] = set()
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        for base in range(start, start + n, chunk):
            customers, phones, terms = [], [], []
            for i in range(base, min(base + chunk, start + n)):
                c = _customer(i, rnd)
                if c["id_card"] in seen_cards:
                    c["id_card"] = None
                elif c["id_card"]:
                    seen_cards.add(c["id_card"])
                owner_id, owner_name, dept, region = c["owner"]
                protected = c["created"] + dt.timedelta(days=30)
                customers.append((
                    c["id"], c["name"], rules.name_key(c["name"]), "", None, c["id_card"], "",
                    c["company"], "", "", c["region"], "", "", None, None,
                    json.dumps([c["phone"]]), "[]",
                    json.dumps(["student"]), c["stage"], True, "", owner_id, owner_name, dept,
                    region, None, protected.isoformat(), None, owner_id,
                    c["created"].isoformat(), c["created"].isoformat(), 1))
                phones.append((c["phone"], c["id"], True, 0))
                terms += [(t, c["id"]) for t in search.terms_of(c["name"], c["company"],
                                                               [c["phone"]])]
            _copy(cursor, "customers", [
                "id", "name", "name_key", "gender", "birth_date", "id_card", "email", "company",
                "position", "industry", "region", "education", "company_size",
                "source_channel_id", "campaign_id", "phone_numbers", "tags", "roles", "stage",
                "valid",
                "invalid_reason", "owner_id", "owner_name", "owner_department_id",
                "owner_region_id", "owner_channel_id", "protected_until", "merged_into_id",
                "created_by", "created_at", "updated_at", "version"], customers)
            _copy(cursor, "customer_phones", ["phone", "customer_id", "is_primary", "position"],
                  phones)
            _copy(cursor, "customer_search_terms", ["term", "customer_id"], terms)
            connection.commit()
        cursor.execute("ANALYZE")


def sample(n: int, count: int, *, start: int = 0) -> list[dict]:
    """The keys of `count` customers spread over the first n seeded (same stream as seed)."""
    rnd = random.Random(20261129 + start)  # noqa: S311 - synthetic data
    step = max(n // count, 1)
    picked = []
    for i in range(start, start + n):
        c = _customer(i, rnd)
        if (i - start) % step == 0:
            picked.append(c)
    return picked[:count]


if __name__ == "__main__":
    seed(sys.argv[1], int(sys.argv[2]))
