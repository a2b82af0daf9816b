# ruff: noqa: S603, S607 - a benchmark starting its own local processes
"""Gateway benchmark: requests/s and latency of an authenticated, rate-limited, audited read,
beside a floor app (JWT verify + one Redis Lua counter), plus logins/s.

    python bench/gateway/bench_gateway.py [--duration 10] [--connections 32]

What runs (all on loopback, each in its own process):
- a FAKE identity (gateway/tests/fakes/identity.py, grpcio): real EdDSA tokens, no password
  hashing, so login numbers measure the gateway's share, not identity's argon2;
- the gateway (`python -m gateway`, uvicorn 1 worker, uvloop + httptools) with audit on
  (publisher confirms to the local RabbitMQ, records routed to a durable bench queue),
  Redis gate on, generous freeze/rate thresholds so the load is never refused;
- the floor app (bench/gateway/floor_app.py), same uvicorn settings, caching verified tokens
  as the gateway does (printed; FLOOR_TOKEN_CACHE=0 makes it verify every request);
- the load generator: wrk (installed from Debian if missing), 1 thread, N connections.
The machine has 2 shared cores: the load generator, both apps, Redis and RabbitMQ compete
for them, so absolute numbers are low and noisy; the ratio is the useful figure.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pika
import redis

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
AMQP_URI = os.environ.get("EDUCRM_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("EDUCRM_REDIS_URL", "redis://127.0.0.1:6379/0")
# Per run: benches started at the same time on a shared machine must not delete each other's
# queue (the other run's gateway then answers 503 for every request: no route).
BENCH_RUN = uuid.uuid4().hex[:8]
BENCH_EXCHANGE = f"bench.gateway.{BENCH_RUN}.events"
BENCH_QUEUE = f"bench.gateway.{BENCH_RUN}.audit"
RESULTS = ROOT / "var" / "bench" / "gateway.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        print("wrk not found: installing it from Debian (apt-get install -y wrk)", flush=True)
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, capture_output=True, env=apt_env).returncode:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False,
                           env=apt_env)
            subprocess.run(install, capture_output=True, check=True, env=apt_env)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is required: apt-get install -y wrk")
    return found


def wait_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise SystemExit(f"port {port} did not open")


def declare_audit_queue() -> None:
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URI))
    channel = connection.channel()
    channel.exchange_declare(BENCH_EXCHANGE, "topic", durable=True)
    # Durable queue with persistent messages (as production), capped so the bench leaves
    # no backlog behind, and gone an hour after a run that could not drop it.
    channel.queue_declare(BENCH_QUEUE, durable=True,
                          arguments={"x-max-length": 50_000, "x-overflow": "drop-head",
                                     "x-expires": 3_600_000})
    channel.queue_bind(BENCH_QUEUE, BENCH_EXCHANGE, "crm.gateway.audit.recorded.v1")
    connection.close()


def drop_audit_queue() -> None:
    with contextlib.suppress(Exception):
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URI))
        channel = connection.channel()
        channel.queue_delete(BENCH_QUEUE)
        channel.exchange_delete(BENCH_EXCHANGE)
        connection.close()


def parse_wrk(output: str) -> dict:
    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50": latency_ms("50"),
            "p99": latency_ms("99"), "requests": int(total.group(1)) if total else 0,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1).strip() if errors else ""}


def run_wrk(wrk: str, url: str, *, duration: int, connections: int, headers: dict[str, str],
            script: str | None = None) -> dict:
    args = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script or "")
    if script:
        args += ["-s", f.name]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    return parse_wrk(output)


ROW = "{:<50} {:>8} {:>9} {:>9} {:>8} {:>9}"


def header() -> None:
    print(ROW.format("app", "req/s", "p50 ms", "p99 ms", "non-2xx", "requests"), flush=True)
    print("-" * 98, flush=True)


def show(label: str, result: dict) -> None:
    print(ROW.format(label, f"{result['rps']:.0f}", f"{result['p50']:.2f}",
                     f"{result['p99']:.2f}", result["non2xx"], result["requests"]), flush=True)
    if result["socket_errors"]:
        print(f"{'':<50} socket errors: {result['socket_errors']}", flush=True)


def queued_messages() -> int:
    """Messages the bench audit queue has received so far (it is capped, see declare)."""
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URI))
    try:
        return connection.channel().queue_declare(BENCH_QUEUE, passive=True).method.message_count
    finally:
        connection.close()


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3,
                        help="floor and gateway /v1/me measured alternately this many times; "
                             "the median of the per-round ratios is reported (noise)")
    options = parser.parse_args()
    wrk = ensure_wrk()
    identity_port, gateway_port, floor_port = free_port(), free_port(), free_port()
    identity_target = f"127.0.0.1:{identity_port}"
    prefix = f"bench:gw:{uuid.uuid4().hex[:8]}:"
    declare_audit_queue()
    # gateway/tests holds the fake identity (the `fakes` test-support package).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "services" / "identity"), str(ROOT / "gateway" / "tests"),
         os.environ.get("PYTHONPATH", "")])}
    gateway_env = {
        **env, "EDUCRM_GATEWAY_PORT": str(gateway_port),
        "EDUCRM_GATEWAY_IDENTITY_TARGET": identity_target,
        "EDUCRM_GATEWAY_REDIS_URL": REDIS_URL, "EDUCRM_GATEWAY_AMQP_URI": AMQP_URI,
        "EDUCRM_GATEWAY_REDIS_PREFIX": prefix, "EDUCRM_GATEWAY_AUDIT_EXCHANGE": BENCH_EXCHANGE,
        "EDUCRM_GATEWAY_INTERNAL_TOKEN": "bench-internal-token",
        "EDUCRM_GATEWAY_FREEZE_MAX_READS": "100000000",
        "EDUCRM_GATEWAY_USER_RATE_LIMIT": "100000000",
        "EDUCRM_GATEWAY_LOGIN_MAX_PER_ACCOUNT": "100000000",
        "EDUCRM_GATEWAY_LOGIN_MAX_PER_ADDRESS": "100000000",
        "EDUCRM_GATEWAY_LOG_LEVEL": "warning",
    }
    processes: list[subprocess.Popen] = []
    try:
        processes.append(subprocess.Popen([PYTHON, "-m", "fakes.identity", identity_target,
                                           "bench-internal-token"],
                                          env=env, stdout=subprocess.DEVNULL))
        wait_port(identity_port)
        processes.append(subprocess.Popen([PYTHON, "-m", "gateway"], env=gateway_env))
        processes.append(subprocess.Popen(
            [PYTHON, str(Path(__file__).with_name("floor_app.py")), str(floor_port),
             identity_target, REDIS_URL], env=env))
        base = f"http://127.0.0.1:{gateway_port}"
        floor = f"http://127.0.0.1:{floor_port}"
        wait_http(f"{base}/readyz")
        wait_http(f"{floor}/v1/me")
        login = httpx.post(f"{base}/v1/auth/login",
                           json={"username": "alice", "password": "alice-pass"})
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        assert httpx.get(f"{base}/v1/me", headers=auth).status_code == 200
        assert httpx.get(f"{floor}/v1/me", headers=auth).status_code == 200

        token_cache = os.environ.get("FLOOR_TOKEN_CACHE", "1") == "1"
        print(f"gateway bench: {os.cpu_count()} CPUs (shared), wrk 1 thread, "
              f"{options.connections} connections, {options.duration} s each; "
              f"identity = FAKE (fakes.identity); audit ON (confirms, persistent, durable "
              f"queue, group commit)", flush=True)
        print("both apps: uvicorn 1 worker, loop=uvloop, http=httptools, access_log=False, "
              "log level warning", flush=True)
        print("token cache: gateway caches verified tokens (expiry re-checked each use); the "
              f"floor {'does the same' if token_cache else 'does NOT (verifies every request)'}",
              flush=True)
        load_before = loadavg()
        common = {"duration": options.duration, "connections": options.connections}
        for url in (f"{floor}/v1/me", f"{base}/v1/me"):  # warm both
            run_wrk(wrk, url, duration=options.warmup, connections=options.connections,
                    headers=auth)
        header()
        # Alternate floor and gateway so both see the same (noisy, shared) machine; each
        # round's ratio compares neighbours in time, and the median ratio is the figure.
        ratios: list[float] = []
        messages = me_requests = 0
        floor_runs: list[dict] = []
        me_runs: list[dict] = []
        for round_no in range(1, max(1, options.rounds) + 1):
            floor_result = run_wrk(wrk, f"{floor}/v1/me", headers=auth, **common)
            show(f"floor: JWT verify + 1 Redis Lua counter  [{round_no}]", floor_result)
            messages_before = queued_messages()
            me_result = run_wrk(wrk, f"{base}/v1/me", headers=auth, **common)
            messages += queued_messages() - messages_before
            me_requests += me_result["requests"]
            show(f"gateway GET /v1/me (auth+gate+audit)  [{round_no}]", me_result)
            floor_runs.append(floor_result)
            me_runs.append(me_result)
            if floor_result["rps"]:
                ratios.append(me_result["rps"] / floor_result["rps"])
        # alice (sales, data scope "own") reads her own record: the fake identity, like the
        # real one, answers 404 for anyone else's.
        users_result = run_wrk(wrk, f"{base}/v1/users/u-alice", headers=auth, **common)
        show("gateway GET /v1/users/{id} (+freeze count+gRPC)", users_result)
        login_script = ('wrk.method = "POST"\n'
                        'wrk.body = \'{"username":"alice","password":"alice-pass"}\'\n'
                        'wrk.headers["Content-Type"] = "application/json"\n')
        login_result = run_wrk(wrk, f"{base}/v1/auth/login", headers={}, script=login_script,
                               **common)
        show("gateway POST /v1/auth/login (fake identity)", login_result)
        load_after = loadavg()
        print("-" * 98)
        floor_rps = statistics.median(r["rps"] for r in floor_runs)
        me_rps = statistics.median(r["rps"] for r in me_runs)
        print(f"median floor: {floor_rps:.0f} req/s, p50 "
              f"{statistics.median(r['p50'] for r in floor_runs):.2f} ms, p99 "
              f"{statistics.median(r['p99'] for r in floor_runs):.2f} ms")
        print(f"median gateway /v1/me: {me_rps:.0f} req/s, p50 "
              f"{statistics.median(r['p50'] for r in me_runs):.2f} ms, p99 "
              f"{statistics.median(r['p99'] for r in me_runs):.2f} ms")
        ratio = statistics.median(ratios) if ratios else float("nan")
        print(f"ratio gateway /v1/me ÷ floor: {ratio:.2f} median of rounds "
              f"[{', '.join(f'{r:.2f}' for r in ratios)}] (target ≥ 0.80, audit ON)")
        print(f"login/s: {login_result['rps']:.0f}, login p99: {login_result['p99']:.2f} ms")
        # The audit ingestion bench, run next by `make bench`, compares identity's storage
        # rate with the records/s this gateway produced (one record per read).
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({"me_rps": me_rps, "measured_at": time.time()}))
        if messages > 0:
            # wrk's count misses requests still in flight at the end: approximate.
            print(f"audit group commit during /v1/me: {messages} messages for ~"
                  f"{me_requests} records (~{me_requests / messages:.1f} records/message)")
        print(f"load average (1/5/15 min) before: {load_before}  after: {load_after}  "
              f"(2 shared cores: wrk, both apps, Redis and RabbitMQ compete; compare ratios)",
              flush=True)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM if process is processes[0] else signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        drop_audit_queue()
        with contextlib.suppress(Exception):
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}*")) + list(
                client.scan_iter(match="bench:floor:*"))
            if keys:
                client.delete(*keys)


if __name__ == "__main__":
    main()
