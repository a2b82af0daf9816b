# ruff: noqa: S603, S607, S311 - a benchmark starting its own local processes, seeded randomness
"""Customer search through the gateway, on PostgreSQL: lookups by phone and by ID number and a
filtered full-text query at 100,000 customers, the phone lookup again at 1,000,000, beside the
gateway's floor measured in the same run; then customers created one by one.

    python bench/leads/bench_customer_search.py [--duration 10] [--connections 64]
        [--customers 100000] [--large-customers 1000000] [--no-large]

What runs (each in its own process, on loopback):
- PostgreSQL database `bench_leads_search` (dropped and re-created), migrated with the leads
  migrations, seeded with COPY: realistic Chinese names, valid mobile numbers (real CN
  ranges), valid GB 11643 ID numbers (real region codes, check character), companies,
  places, stages, spread over 200 owners in 20 departments of 4 org regions; the search
  terms are the customers area's own (leads.customers.search.terms_of);
- the FAKE identity (gateway/tests/fakes, as bench/gateway uses): real EdDSA tokens, JWKS
  and revocation snapshots; the real one would only add argon2 logins, outside what is
  measured;
- the REAL leads api (`python -m leads.api`) and the REAL gateway (`python -m gateway`, audit
  on, Redis gate on), and the floor app (bench/gateway/floor_app.py: JWT verify + 1 Redis
  Lua counter);
- wrk, 1 thread, 64 connections; Lua scripts pick a random seeded key per request.
The bench user is `admin` (data scope all). Its personal-data read limit is raised for the
run through the gateway's settings (EDUCRM_GATEWAY_FREEZE_READ_LIMITS customer:admin=...),
so that the lookups are never frozen; the output says so.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg2
from kit import migrate
from leads.customers.search import terms_of
from leads.models import Customer
from stdnum.cn import ric

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "gateway"))
from bench_gateway import (  # noqa: E402 - the gateway bench's wrk and process helpers
    AMQP_URI,
    BENCH_EXCHANGE,
    REDIS_URL,
    declare_audit_queue,
    drop_audit_queue,
    ensure_wrk,
    free_port,
    loadavg,
    parse_wrk,
    run_wrk,
    wait_http,
    wait_port,
)

PYTHON = sys.executable
PG = os.environ.get("EDUCRM_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "bench_leads_search"
INTERNAL_TOKEN = "bench-internal-token"  # noqa: S105 - a throw-away local value

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
            "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
            "熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉鹏宇浩然子轩梓涵欣怡佳琪思雨晨"
         "曦诺泽博俊红玉梅琳婷晶雪飞鑫彬斌波宁凯峰健亮林海燕萍丹玲蕾颖倩慧志新春生云")
PLACES = ("北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "天津", "苏州",
          "长沙", "郑州", "青岛", "重庆")
# Region codes python-stdnum accepts for every birth date from 1975 to 2007 (its code table
# records when each code was in use).
ID_REGIONS = ("110101", "110102", "110105", "310101", "310104", "120101", "120103")
MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "152", "158", "159", "182",
                   "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133",
                   "153", "180", "181", "189", "177", "166")
COMPANY_WORDS = ("星辰", "华信", "远航", "博雅", "中科", "智联", "恒通", "新锐", "卓越", "启明")
COMPANY_KINDS = ("科技", "教育", "咨询", "贸易", "传媒", "制造")
INDUSTRIES = ("教育", "互联网", "金融", "制造", "医疗", "零售", "房地产", "咨询")
POSITIONS = ("经理", "总监", "专员", "工程师", "销售", "教师", "创始人")
EDUCATION = ("本科", "硕士", "大专", "高中", "博士")
SIZES = ("1-49", "50-99", "100-499", "500-999", "1000+")
STAGES = ("lead",) * 6 + ("prospect",) * 2 + ("enrolled", "alumni")
OWNERS, DEPARTMENTS, ORG_REGIONS = 200, 20, 4
BASE_DAY = dt.date(1975, 1, 1)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def phone_of(i: int) -> str:
    """A valid, distinct mainland mobile number per index (E.164, as leads stores it)."""
    return f"+86{MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)]}{i // len(MOBILE_PREFIXES):08d}"


def id_card_of(i: int) -> str:
    """A valid, distinct GB 11643 ID number per index (real region code, birth date, check)."""
    region = ID_REGIONS[i % len(ID_REGIONS)]
    rest = i // len(ID_REGIONS)
    birth = BASE_DAY + dt.timedelta(days=rest % 12000)
    stem = f"{region}{birth:%Y%m%d}{rest // 12000 + 1:03d}"
    return stem + ric.calc_check_digit(stem + "0")


def name_of(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


# --- the database ------------------------------------------------------------------------------

def admin_connection():
    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    return conn


def create_database() -> str:
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            cur.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        conn.close()
    url = f"{PG.replace('postgresql://', 'postgresql+psycopg2://')}/{DATABASE}"
    migrate.upgrade("leads", url)
    return url


def drop_database() -> None:
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    finally:
        conn.close()


CUSTOMER_COLUMNS = [c.name for c in Customer.__table__.columns]


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


SEEDED_TABLES = ("customers", "customer_phones", "customer_search_terms")


def _secondary_indexes(cur) -> list[tuple[str, str]]:
    """(name, definition) of the seeded tables' indexes that back no constraint."""
    cur.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        JOIN pg_class c ON c.relname = i.indexname
        WHERE i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)""",
                (list(SEEDED_TABLES),))
    return cur.fetchall()


def seed(start: int, stop: int, *, batch: int = 50_000) -> float:
    """Customers start..stop-1 (with their phones and search terms) by COPY; seconds taken.

    The rows are consistent by construction, so the session skips the foreign-key triggers
    (session_replication_role = replica); a large load drops the secondary indexes first and
    builds them again after (much faster than maintaining them row by row)."""
    began = time.perf_counter()
    rng = random.Random(start)
    conn = psycopg2.connect(f"{PG}/{DATABASE}")
    rebuild: list[tuple[str, str]] = []
    try:
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET maintenance_work_mem = '256MB'")
            if stop - start > 200_000:
                rebuild = _secondary_indexes(cur)
                for name, _definition in rebuild:
                    cur.execute(f'DROP INDEX "{name}"')
        conn.commit()
        for low in range(start, stop, batch):
            customers, phones, terms = io.StringIO(), io.StringIO(), io.StringIO()
            for i in range(low, min(low + batch, stop)):
                cid = f"c{i:09d}"
                name = name_of(rng)
                company = (rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)
                           if rng.random() < 0.4 else "")
                phone = phone_of(i)
                card = id_card_of(i) if rng.random() < 0.6 else None
                owner = i % OWNERS
                department = owner % DEPARTMENTS
                created = NOW - dt.timedelta(seconds=rng.randrange(2 * 365 * 86400))
                row = {
                    "id": cid, "name": name, "name_key": name, "gender":
                    rng.choice(("male", "female")), "birth_date": (
                        dt.date(int(card[6:10]), int(card[10:12]), int(card[12:14]))
                        if card else None),
                    "id_card": card, "email": "", "company": company,
                    "position": rng.choice(POSITIONS), "industry": rng.choice(INDUSTRIES),
                    "region": rng.choice(PLACES), "education": rng.choice(EDUCATION),
                    "company_size": rng.choice(SIZES), "source_channel_id": None,
                    "campaign_id": None, "tags": "[]", "roles": '["student"]',
                    "stage": rng.choice(STAGES), "valid": True, "invalid_reason": "",
                    "owner_id": f"bench-u-{owner}", "owner_name": f"销售{owner}",
                    "owner_department_id": f"bench-d-{department}",
                    "owner_region_id": f"bench-r-{department % ORG_REGIONS}",
                    "owner_channel_id": None, "protected_until": None, "merged_into_id": None,
                    "created_by": f"bench-u-{owner}", "created_at": created,
                    "updated_at": created, "version": 1}
                customers.write("\t".join(_tsv(row[c]) for c in CUSTOMER_COLUMNS) + "\n")
                phones.write(f"{phone}\t{cid}\tt\t0\n")
                for term in terms_of(name, company, [phone]):
                    terms.write(f"{term}\t{cid}\n")
            with conn.cursor() as cur:
                for table, columns, buffer in (
                        ("customers", CUSTOMER_COLUMNS, customers),
                        ("customer_phones", ["phone", "customer_id", "is_primary", "position"],
                         phones),
                        ("customer_search_terms", ["term", "customer_id"], terms)):
                    buffer.seek(0)
                    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            conn.commit()
        conn.autocommit = True
        with conn.cursor() as cur:
            for _name, definition in rebuild:
                cur.execute(definition)
            cur.execute("VACUUM ANALYZE customers")
            cur.execute("VACUUM ANALYZE customer_phones")
            cur.execute("VACUUM ANALYZE customer_search_terms")
    finally:
        conn.close()
    return time.perf_counter() - began


def sample_queries(rng: random.Random, count: int, n: int) -> dict[str, list[str]]:
    """Paths of the three lookups, keys drawn from the seeded customers."""
    conn = psycopg2.connect(f"{PG}/{DATABASE}")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id_card FROM customers WHERE id_card IS NOT NULL "
                        "ORDER BY random() LIMIT %s", (count,))
            cards = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT substr(name, 1, 2), region FROM customers "
                        "WHERE length(name) >= 2 ORDER BY random() LIMIT %s", (count,))
            texts = cur.fetchall()
    finally:
        conn.close()
    phones = [phone_of(rng.randrange(n)) for _ in range(count)]
    from urllib.parse import quote
    return {
        "phone": [f"/v1/customers?phone={quote(p)}" for p in phones],
        "id_card": [f"/v1/customers?id_card={c}" for c in cards],
        "text": [f"/v1/customers?q={quote(q)}&region={quote(r)}" for q, r in texts],
    }


def lua_paths(paths: list[str]) -> str:
    """A wrk script requesting a random path of `paths` each time."""
    table = ",\n".join(json.dumps(p) for p in paths)
    return ("paths = {\n" + table + "\n}\n"
            "math.randomseed(42)\n"
            "request = function()\n"
            "  return wrk.format('GET', paths[math.random(#paths)])\n"
            "end\n")


CREATE_SCRIPT = """
counter = 0
wrk.headers["Content-Type"] = "application/json"
math.randomseed(os.time())
run = math.random(1000, 9999)
request = function()
  counter = counter + 1
  local body = string.format('{"name":"新客户%d","phone":"199%04d%04d"}', counter, run, counter)
  return wrk.format('POST', '/v1/customers', nil, body)  -- wrk.headers: -H and the type
end
reported = 0
response = function(status, headers, body)
  if status ~= 201 and reported < 3 then
    reported = reported + 1
    io.write("CREATE-FAILED " .. status .. " " .. body .. "\\n")
  end
end
"""


def run_wrk_showing_failures(wrk: str, url: str, script: str, *, duration: int,
                             connections: int, headers: dict[str, str]) -> dict:
    """run_wrk, printing the first failed answers the script logged (CREATE-FAILED ...)."""
    args = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        output = subprocess.run([*args, "-s", f.name, url], capture_output=True, text=True,
                                check=True).stdout
    finally:
        os.unlink(f.name)
    if os.environ.get("BENCH_DEBUG"):
        print(output)
    for line in output.splitlines():
        if line.startswith("CREATE-FAILED"):
            print("  " + line[:300], flush=True)
    return parse_wrk(output)


def show(label: str, r: dict, target: str = "") -> None:
    bad = f" ({r['non2xx']} non-2xx!)" if r["non2xx"] else ""
    print(f"{label:<58} {r['rps']:>9.0f} {r['p50']:>9.2f} {r['p99']:>9.2f}  {target}{bad}",
          flush=True)


def check_answers(base: str, auth: dict, queries: dict[str, list[str]]) -> None:
    """Each lookup finds what it looks for before it is measured."""
    for kind in ("phone", "id_card", "text"):
        response = httpx.get(base + queries[kind][0], headers=auth, timeout=30)
        response.raise_for_status()
        found = len(response.json()["items"])
        if kind != "text" and found != 1:
            raise SystemExit(f"{kind} lookup found {found} customers, expected 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--large-customers", type=int, default=1_000_000)
    parser.add_argument("--no-large", action="store_true", help="skip the 1M measurement")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    wrk = ensure_wrk()
    rng = random.Random(7)
    load_start = loadavg()
    url = create_database()
    seconds = seed(0, options.customers)
    print(f"seeded {options.customers} customers in {seconds:.0f} s (COPY; phones, search "
          f"terms)", flush=True)

    identity_port, leads_port, gateway_port, floor_port = (free_port() for _ in range(4))
    identity_target = f"127.0.0.1:{identity_port}"
    prefix = f"bench:leads:{uuid.uuid4().hex[:8]}:"
    declare_audit_queue()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "services" / "identity"), str(ROOT / "gateway" / "tests"),
         os.environ.get("PYTHONPATH", "")]), "EDUCRM_INTERNAL_TOKEN": INTERNAL_TOKEN}
    leads_env = {**env, "EDUCRM_LEADS_DATABASE_URL": url,
                 "EDUCRM_LEADS_GRPC_PORT": str(leads_port),
                 "EDUCRM_LEADS_METRICS_PORT": str(free_port()),
                 "EDUCRM_LEADS_IDENTITY_ADDRESS": identity_target,
                 "EDUCRM_AMQP_URI": AMQP_URI, "EDUCRM_LOG_LEVEL": "WARNING"}
    read_limits = ("staff:*=1000,customer:*=200,customer:admin=1000000000")
    gateway_env = {
        **env, "EDUCRM_GATEWAY_PORT": str(gateway_port),
        "EDUCRM_GATEWAY_IDENTITY_TARGET": identity_target,
        "EDUCRM_GATEWAY_LEADS_TARGET": f"127.0.0.1:{leads_port}",
        "EDUCRM_GATEWAY_REDIS_URL": REDIS_URL, "EDUCRM_GATEWAY_AMQP_URI": AMQP_URI,
        "EDUCRM_GATEWAY_REDIS_PREFIX": prefix, "EDUCRM_GATEWAY_AUDIT_EXCHANGE": BENCH_EXCHANGE,
        "EDUCRM_GATEWAY_INTERNAL_TOKEN": INTERNAL_TOKEN,
        "EDUCRM_GATEWAY_FREEZE_READ_LIMITS": read_limits,
        "EDUCRM_GATEWAY_USER_RATE_LIMIT": "100000000",
        "EDUCRM_GATEWAY_LOG_LEVEL": "warning",
    }
    processes: list[subprocess.Popen] = []
    try:
        processes.append(subprocess.Popen([PYTHON, "-m", "fakes.identity", identity_target,
                                           INTERNAL_TOKEN], env=env, stdout=subprocess.DEVNULL))
        wait_port(identity_port)
        processes.append(subprocess.Popen([PYTHON, "-m", "leads.api"], env=leads_env))
        wait_port(leads_port, timeout=60)
        processes.append(subprocess.Popen([PYTHON, "-m", "gateway"], env=gateway_env))
        processes.append(subprocess.Popen(
            [PYTHON, str(ROOT / "bench" / "gateway" / "floor_app.py"), str(floor_port),
             identity_target, REDIS_URL], env=env))
        base, floor = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{floor_port}"
        wait_http(f"{base}/readyz", timeout=60)
        wait_http(f"{floor}/v1/me", timeout=60)
        login = httpx.post(f"{base}/v1/auth/login",
                           json={"username": "admin", "password": "admin-pass"})
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        queries = sample_queries(rng, 2000, options.customers)
        check_answers(base, auth, queries)
        common = {"duration": options.duration, "connections": options.connections,
                  "headers": auth}

        def measure(kind_or_url: str) -> dict:
            if kind_or_url.startswith("http"):
                return run_wrk(wrk, kind_or_url, **common)
            return run_wrk(wrk, base, script=lua_paths(queries[kind_or_url]), **common)

        print(f"customer search bench: {os.cpu_count()} CPUs (shared), wrk 1 thread, "
              f"{options.connections} connections, {options.duration} s each; PostgreSQL; "
              "identity = FAKE (fakes.identity); leads api and gateway REAL; audit ON")
        print(f"bench user admin (scope all): gateway read limits raised for the run: "
              f"EDUCRM_GATEWAY_FREEZE_READ_LIMITS={read_limits}")
        for path in ("phone", "id_card", "text"):
            run_wrk(wrk, base, script=lua_paths(queries[path]), duration=options.warmup,
                    connections=options.connections, headers=auth)
        run_wrk(wrk, f"{floor}/v1/me", duration=options.warmup,
                connections=options.connections, headers=auth)
        print(f"{'':<58} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}  target")
        results = {
            "floor": measure(f"{floor}/v1/me"),
            "me": measure(f"{base}/v1/me"),
            "phone": measure("phone"),
            "id_card": measure("id_card"),
            "text": measure("text"),
        }
        n = options.customers
        show("floor app GET /v1/me (JWT + 1 Redis Lua)", results["floor"])
        show("gateway GET /v1/me", results["me"])
        show(f"lookup by phone, {n} customers", results["phone"],
             "≥ 900/s, p99 ≤ 150 ms (peer CRM 300/s indexed)")
        show(f"lookup by ID number, {n} customers", results["id_card"], "≥ 900/s, p99 ≤ 150 ms")
        show(f"q=name fragment + region, {n} customers", results["text"], "")
        if not options.no_large and options.large_customers > n:
            seconds = seed(n, options.large_customers)
            print(f"seeded {options.large_customers - n} more customers in {seconds:.0f} s",
                  flush=True)
            large = sample_queries(rng, 2000, options.large_customers)
            queries.update(large)
            check_answers(base, auth, queries)
            run_wrk(wrk, base, script=lua_paths(queries["phone"]), duration=options.warmup,
                    connections=options.connections, headers=auth)
            big = {"floor": measure(f"{floor}/v1/me"), "phone": measure("phone"),
                   "id_card": measure("id_card"), "text": measure("text")}
            m = options.large_customers
            show("floor app GET /v1/me (same time)", big["floor"])
            show(f"lookup by phone, {m} customers", big["phone"])
            show(f"lookup by ID number, {m} customers", big["id_card"])
            show(f"q=name fragment + region, {m} customers", big["text"])
            ratio = big["phone"]["p99"] / results["phone"]["p99"]
            print(f"p99 phone lookup {m} / {n}: {ratio:.2f} (target < 2)")
            ratio = big["id_card"]["p99"] / results["id_card"]["p99"]
            print(f"p99 ID-number lookup {m} / {n}: {ratio:.2f} (target < 2)")
        probe = httpx.post(f"{base}/v1/customers", headers=auth, timeout=30,
                           json={"name": "新客户0", "phone": "19900000000"})
        if probe.status_code != 201:
            raise SystemExit(f"a create answered {probe.status_code}: {probe.text[:300]}")
        created = run_wrk_showing_failures(wrk, base, CREATE_SCRIPT, **common)
        show("POST /v1/customers one by one (creates/s)", created, "peer CRM ~120/s")
        print(f"load average (1/5/15 min) at start: {load_start}  at end: {loadavg()}  "
              "(2 shared cores: wrk, gateway, leads api, PostgreSQL, Redis, RabbitMQ compete)",
              flush=True)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        drop_audit_queue()
        if not options.keep:
            drop_database()


if __name__ == "__main__":
    main()
