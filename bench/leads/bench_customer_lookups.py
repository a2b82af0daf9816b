# ruff: noqa: S603, S607 - a benchmark starting its own local processes
"""Customer search through the gateway (the real leads api on PostgreSQL), beside the gateway's
floor (`GET /v1/me`: authentication, gate, audit, no service call) measured in the same run.

    python bench/leads/bench_customer_lookups.py [--sizes 100000,1000000] [--connections 64]
                                                [--duration 8] [--rounds 3]

Per size: a throw-away PostgreSQL database, leads migrated and seeded with N synthetic
customers (bench/leads/seed_customer_rows.py: COPY of what the service writes), identity migrated
and demo-seeded, then the real identity api, leads api and gateway processes. wrk (1 thread)
runs each lookup as customer service (scope all, phones in full), rotating over 1,000
different customers so no single row stays hot:
- by phone       `GET /v1/customers?phone=+86…`        (customer_phones primary key)
- by ID number   `GET /v1/customers?id_card=…`         (customers.id_card unique index)
- full text      `GET /v1/customers?q=<name>&stage=lead` (search terms, then the stage)
- and, at the smallest size, customers created one by one (`POST /v1/customers`, creates/s;
  the peer CRM measured on this machine kind creates about 120/s)
Medians of `--rounds` alternating runs are printed with p50/p99 and the CPU time per request
of the gateway and of the leads api (/proc).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import httpx
import redis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "gateway"))
sys.path.insert(0, str(HERE))

import pika  # noqa: E402
from bench_gateway import (  # noqa: E402
    AMQP_URI,
    REDIS_URL,
    ensure_wrk,
    free_port,
    loadavg,
    run_wrk,
    wait_http,
    wait_port,
)
from bench_read_path import cpu_seconds, stop  # noqa: E402
from kit import testing  # noqa: E402
from seed_customer_rows import sample, seed  # noqa: E402

PYTHON = sys.executable
# Its own audit exchange and queue (another bench running beside it drops the shared ones).
BENCH_EXCHANGE = f"bench.leads.events.{uuid.uuid4().hex[:8]}"
BENCH_QUEUE = f"bench.leads.audit.{uuid.uuid4().hex[:8]}"


def declare_audit_queue() -> None:
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URI))
    channel = connection.channel()
    channel.exchange_declare(BENCH_EXCHANGE, "topic", durable=True)
    # durable, persistent messages as in production; capped so no backlog stays behind
    channel.queue_declare(BENCH_QUEUE, durable=True,
                          arguments={"x-max-length": 50_000, "x-overflow": "drop-head"})
    channel.queue_bind(BENCH_QUEUE, BENCH_EXCHANGE, "crm.gateway.audit.recorded.v1")
    connection.close()


def drop_audit_queue() -> None:
    with contextlib.suppress(Exception):
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URI))
        channel = connection.channel()
        channel.queue_delete(BENCH_QUEUE)
        channel.exchange_delete(BENCH_EXCHANGE)
        connection.close()
BIN = Path(PYTHON).parent
LOGIN = {"username": "cs1", "password": "educrm-demo"}
ROW = "{:<10} {:<34} {:>7} {:>8} {:>9} {:>8} {:>9} {:>9}"

ROTATE = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def rotating(paths: list[str]) -> str:
    return ROTATE % ", ".join(f'"{p}"' for p in paths)


def measure(wrk: str, url: str, script: str | None, pids: list[int], **options) -> dict:
    before = [cpu_seconds(p) for p in pids]
    result = run_wrk(wrk, url, script=script, **options)
    requests = max(result["requests"], 1)
    result["cpu_ms"] = [1000 * (cpu_seconds(p) - b) / requests
                        for p, b in zip(pids, before, strict=True)]
    return result


# New customers, one request each: a fresh name and a valid mobile number per request (199…,
# a range the seeded customers do not use), so every create is a real insert, not a 409.
CREATE_SCRIPT = """
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
math.randomseed(os.time())
run = math.random(1000, 9999)
request = function()
  counter = counter + 1
  local body = string.format('{"name":"新客户%d","phone":"199%04d%04d"}', counter, run, counter)
  return wrk.format(nil, nil, nil, body)
end
"""


def run_size(n: int, options, wrk: str) -> dict[str, list[dict]]:
    with testing.postgres_database("educrm_bench_leads") as leads_url, \
            testing.postgres_database("educrm_bench_id") as identity_url, \
            tempfile.TemporaryDirectory(prefix="educrm_bench_") as var:
        identity_port, leads_port, gateway_port = free_port(), free_port(), free_port()
        prefix = f"bench:leads:{uuid.uuid4().hex[:8]}:"
        env = {**os.environ, "EDUCRM_ENV": "development", "EDUCRM_VAR_DIR": var,
               "EDUCRM_IDENTITY_DATABASE_URL": identity_url,
               "EDUCRM_IDENTITY_GRPC_ADDRESS": f"127.0.0.1:{identity_port}",
               "EDUCRM_IDENTITY_METRICS_PORT": "0",
               "EDUCRM_IDENTITY_ARGON2_TIME_COST": "1",
               "EDUCRM_IDENTITY_ARGON2_MEMORY_KIB": "1024",
               "EDUCRM_LEADS_DATABASE_URL": leads_url,
               "EDUCRM_LEADS_GRPC_PORT": str(leads_port), "EDUCRM_LEADS_METRICS_PORT": "0",
               "EDUCRM_LEADS_IDENTITY_ADDRESS": f"127.0.0.1:{identity_port}",
               "EDUCRM_INTERNAL_TOKEN": uuid.uuid4().hex}
        for argv in ([str(BIN / "educrm-migrate"), "identity"],
                     [str(BIN / "educrm-migrate"), "leads"],
                     [PYTHON, "-m", "identity.demo_seed"]):
            subprocess.run(argv, env=env, check=True, capture_output=True)
        started = time.monotonic()
        seed(leads_url, n)
        print(f"\n[{n:,} customers] seeded in {time.monotonic() - started:.0f} s", flush=True)
        gateway_env = {**env, "EDUCRM_GATEWAY_PORT": str(gateway_port),
                       "EDUCRM_GATEWAY_IDENTITY_TARGET": f"127.0.0.1:{identity_port}",
                       "EDUCRM_GATEWAY_LEADS_TARGET": f"127.0.0.1:{leads_port}",
                       "EDUCRM_GATEWAY_REDIS_URL": REDIS_URL,
                       "EDUCRM_GATEWAY_AMQP_URI": AMQP_URI,
                       "EDUCRM_GATEWAY_REDIS_PREFIX": prefix,
                       "EDUCRM_GATEWAY_AUDIT_EXCHANGE": BENCH_EXCHANGE,
                       "EDUCRM_GATEWAY_FREEZE_MAX_READS": "1000000000",
                       "EDUCRM_GATEWAY_USER_RATE_LIMIT": "1000000000",
                       "EDUCRM_GATEWAY_LOG_LEVEL": "warning"}
        processes: list[subprocess.Popen] = []
        logs = [open(Path(var) / f"{name}.log", "wb")  # noqa: SIM115 - closed below
                for name in ("identity-api", "leads-api")]
        try:
            processes.append(subprocess.Popen([PYTHON, "-m", "identity.api"], env=env,
                                              stdout=logs[0], stderr=logs[0]))
            wait_port(identity_port, timeout=120)
            processes.append(subprocess.Popen([PYTHON, "-m", "leads.api"], env=env,
                                              stdout=logs[1], stderr=logs[1]))
            wait_port(leads_port, timeout=120)
            processes.append(subprocess.Popen([PYTHON, "-m", "gateway"], env=gateway_env))
            base = f"http://127.0.0.1:{gateway_port}"
            wait_http(f"{base}/readyz", timeout=120)
            login = httpx.post(f"{base}/v1/auth/login", json=LOGIN)
            login.raise_for_status()
            auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
            picks = sample(n, 1000)
            q = urllib.parse.quote
            kinds = {
                "gateway floor /v1/me": ["/v1/me"],
                "by phone": [f"/v1/customers?phone={q(p['phone'])}" for p in picks],
                "by ID number": [f"/v1/customers?id_card={p['id_card']}"
                                 for p in picks if p["id_card"]],
                "full text + stage": [f"/v1/customers?q={q(p['name'])}&stage=lead&limit=20"
                                      for p in picks],
            }
            for label, paths in kinds.items():  # each answers, and finds what it should
                response = httpx.get(base + paths[0], headers=auth, timeout=30)
                assert response.status_code == 200, (label, response.text)
                if label.startswith("by "):
                    assert len(response.json()["items"]) == 1, (label, response.text)
            _identity, leads, gateway = (p.pid for p in processes)
            runs: dict[str, list[dict]] = {label: [] for label in kinds}
            for connections in options.connections:
                for paths in kinds.values():
                    run_wrk(wrk, base + paths[0], duration=options.warmup,
                            connections=connections, headers=auth, script=rotating(paths))
                print(ROW.format("size", "lookup", "req/s", "p50 ms", "p99 ms", "non-2xx",
                                 "gw cpu", "leads cpu"), flush=True)
                for _round in range(options.rounds):
                    for label, paths in kinds.items():
                        result = measure(wrk, base + paths[0], rotating(paths),
                                         [gateway, leads], duration=options.duration,
                                         connections=connections, headers=auth)
                        result["connections"] = connections
                        runs[label].append(result)
                        print(ROW.format(f"{n:,}", f"{label} c={connections}",
                                         f"{result['rps']:.0f}", f"{result['p50']:.2f}",
                                         f"{result['p99']:.2f}", result["non2xx"],
                                         f"{result['cpu_ms'][0]:.2f}",
                                         f"{result['cpu_ms'][1]:.2f}"), flush=True)
            if n == min(options.sizes):  # creates one by one, once: the rate, not its growth
                result = measure(wrk, base + "/v1/customers", CREATE_SCRIPT, [gateway, leads],
                                 duration=options.duration, connections=max(options.connections),
                                 headers=auth)
                runs["create one by one (POST)"] = [result]
                print(ROW.format(f"{n:,}", "create one by one (POST)", f"{result['rps']:.0f}",
                                 f"{result['p50']:.2f}", f"{result['p99']:.2f}",
                                 result["non2xx"], f"{result['cpu_ms'][0]:.2f}",
                                 f"{result['cpu_ms'][1]:.2f}"), flush=True)
            if options.profile:
                profile({"leads api": leads, "gateway": gateway},
                        base + kinds["by phone"][0], rotating(kinds["by phone"]), auth, wrk,
                        options)
            return runs
        finally:
            stop(processes)
            for log in logs:
                log.close()
            with contextlib.suppress(Exception):
                client = redis.Redis.from_url(REDIS_URL)
                keys = list(client.scan_iter(match=f"{prefix}*"))
                if keys:
                    client.delete(*keys)


def profile(pids: dict[str, int], url: str, script: str, auth: dict[str, str], wrk: str,
            options) -> None:
    """py-spy on each process during one more phone-lookup run: the heaviest frames."""
    spies = {}
    for name, pid in pids.items():
        target = Path(f"{options.profile}-{name.replace(' ', '-')}.txt")
        spies[name] = (target, subprocess.Popen(
            [str(BIN / "py-spy"), "record", "--pid", str(pid), "--nonblocking", "--gil",
             "--rate", "200", "--duration", str(options.duration), "--format", "raw",
             "--output", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    run_wrk(wrk, url, duration=options.duration, connections=max(options.connections),
            headers=auth, script=script)
    for name, (target, spy) in spies.items():
        spy.wait(timeout=60)
        inclusive: dict[str, int] = {}
        total = 0
        for line in target.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            total += int(count)
            for frame in set(stack.split(";")):
                inclusive[frame] = inclusive.get(frame, 0) + int(count)
        print(f"\npy-spy on the {name}: {total} samples holding the GIL ({target})")
        for frame, count in sorted(inclusive.items(), key=lambda kv: -kv[1])[:options.top]:
            print(f"{100 * count / max(total, 1):6.1f}%  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--connections", default="64",
                        type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="PREFIX",
                        help="sample the leads api and the gateway with py-spy during one more "
                             "phone-lookup run; stacks go to PREFIX-*.txt")
    parser.add_argument("--top", type=int, default=45)
    options = parser.parse_args()
    wrk = ensure_wrk()
    print(f"customer search bench: {os.cpu_count()} CPUs (shared), wrk 1 thread, PostgreSQL; "
          f"load before {loadavg()}", flush=True)
    declare_audit_queue()
    try:
        results = {n: run_size(n, options, wrk) for n in options.sizes}
    finally:
        drop_audit_queue()
    print("\nmedians; the floor is the gateway without a service call, same run")
    print(ROW.format("size", "lookup", "req/s", "p50 ms", "p99 ms", "non-2xx", "gw cpu",
                     "leads cpu"))
    for n, runs in results.items():
        for label, all_runs in runs.items():
            good = [r for r in all_runs if not r["non2xx"]] or all_runs
            print(ROW.format(f"{n:,}", label,
                             f"{statistics.median(r['rps'] for r in good):.0f}",
                             f"{statistics.median(r['p50'] for r in good):.2f}",
                             f"{statistics.median(r['p99'] for r in good):.2f}",
                             sum(r["non2xx"] for r in all_runs),
                             f"{statistics.median(r['cpu_ms'][0] for r in good):.2f}",
                             f"{statistics.median(r['cpu_ms'][1] for r in good):.2f}"))
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
