# ruff: noqa: S603, S607 - a benchmark starting its own local processes
"""Read-path benchmark: a read that crosses gRPC (`GET /v1/users/{id}`) beside `/v1/me`, with
the REAL identity api on a throw-away database, each beside its floor measured in the same run.

    python bench/gateway/bench_read_path.py [--backends postgres,sqlite] [--connections 1,64]
                                            [--duration 8] [--rounds 3]

Per backend (PostgreSQL: a throw-away database from kit.testing; SQLite: a temp file), the
bench migrates identity (`educrm-migrate`), seeds the demo org and users, then starts (each
its own process, all on loopback):
- the real identity api (`python -m identity.api`, grpcio, kit.grpc_server's interceptor, INFO
  JSON log line per call to a file, as in production);
- the gateway (`python -m gateway`, audit ON to a capped bench queue, Redis gate ON);
- the floors: bench/gateway/floor_app.py (JWT verify with a token cache + one Redis Lua
  counter; `/v1/users/{id}` adds one grpc.aio call) and bench/gateway/floor_identity.py
  (bare grpcio GetUser: one primary-key SELECT, no interceptor, same database);
- wrk, 1 thread.
The four URLs are measured alternately, `--rounds` times per connection count, and medians
are printed: the machine's 2 cores are shared, so neighbours in time are what compares. Each
row also gives the CPU time per request of the HTTP app and of the gRPC server behind it
(from /proc, so it hardly moves with the load of other processes): the identity api's figure
beside floor_identity's is the kit's and identity's per-call cost. "all cpu" is the whole
machine's CPU time per request (PostgreSQL, Redis, RabbitMQ and wrk included, and whatever
else ran meanwhile): far above the apps' sum, the run shared the cores with other work.

`--profile PREFIX` adds one more gateway read run sampled with py-spy (requirements-dev.txt)
in the identity api and the gateway, and prints their heaviest frames.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
import redis
from bench_gateway import (
    AMQP_URI,
    BENCH_EXCHANGE,
    REDIS_URL,
    declare_audit_queue,
    drop_audit_queue,
    ensure_wrk,
    free_port,
    loadavg,
    run_wrk,
    wait_http,
    wait_port,
)
from kit import testing

PYTHON = sys.executable
BIN = Path(PYTHON).parent
LOGIN = {"username": "admin", "password": "educrm-demo"}
TARGET_USERNAME = "sales1"


ROW = "{:<48} {:>7} {:>8} {:>9} {:>8} {:>9} {:>9} {:>9}"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time every process on the machine spent so far (all cores, /proc/stat): beside
    the two apps' own figures, what the rest (PostgreSQL, Redis, RabbitMQ, wrk, and other
    people's work on a shared machine) took during a run."""
    user, nice, system, idle, iowait, *rest = map(int, Path("/proc/stat").read_text()
                                                   .split("\n", 1)[0].split()[1:])
    return (user + nice + system + sum(rest[:3])) / CLOCK_TICKS


def header() -> None:
    print(ROW.format("app", "req/s", "p50 ms", "p99 ms", "non-2xx", "HTTP cpu", "gRPC cpu",
                     "all cpu"))
    print(ROW.format("", "", "", "", "", "ms/req", "ms/req", "ms/req"))
    print("-" * 114, flush=True)


def show(label: str, result: dict) -> None:
    grpc_cpu = result.get("grpc_cpu_ms")
    print(ROW.format(label, f"{result['rps']:.0f}", f"{result['p50']:.2f}",
                     f"{result['p99']:.2f}", result["non2xx"], f"{result['http_cpu_ms']:.2f}",
                     "-" if grpc_cpu is None else f"{grpc_cpu:.2f}",
                     f"{result['all_cpu_ms']:.2f}"), flush=True)
    if result["socket_errors"]:
        print(f"{'':<48} socket errors: {result['socket_errors']}", flush=True)


def measure(wrk: str, url: str, http_pid: int, grpc_pid: int | None, **wrk_options) -> dict:
    """One wrk run, plus the CPU time the HTTP app and the gRPC server behind it spent per
    request: unlike req/s, that figure hardly depends on what else loads the machine."""
    pids = [http_pid] + ([grpc_pid] if grpc_pid else [])
    before = [cpu_seconds(pid) for pid in pids]
    machine_before = machine_busy_seconds()
    result = run_wrk(wrk, url, **wrk_options)
    machine = machine_busy_seconds() - machine_before
    spent = [cpu_seconds(pid) - start for pid, start in zip(pids, before, strict=True)]
    requests = max(result["requests"], 1)
    result["http_cpu_ms"] = 1000 * spent[0] / requests
    result["grpc_cpu_ms"] = 1000 * spent[1] / requests if grpc_pid else None
    result["all_cpu_ms"] = 1000 * machine / requests
    return result


@contextlib.contextmanager
def database(backend: str):
    if backend == "postgres":
        with testing.postgres_database(prefix="educrm_bench") as url:
            yield url
    else:
        with testing.sqlite_database("identity.db") as url:
            yield url


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def measure_backend(backend: str, options, wrk: str) -> dict:
    with database(backend) as url, tempfile.TemporaryDirectory(prefix="educrm_bench_") as var:
        identity_port, gateway_port = free_port(), free_port()
        floor_port, floor_grpc_port = free_port(), free_port()
        prefix = f"bench:rp:{uuid.uuid4().hex[:8]}:"
        env = {
            **os.environ, "EDUCRM_ENV": "development", "EDUCRM_VAR_DIR": var,
            "EDUCRM_IDENTITY_DATABASE_URL": url,
            "EDUCRM_IDENTITY_GRPC_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_IDENTITY_METRICS_PORT": "0",
            # Cheap hashes: logins are not what this bench measures (one per run).
            "EDUCRM_IDENTITY_ARGON2_TIME_COST": "1", "EDUCRM_IDENTITY_ARGON2_MEMORY_KIB": "1024",
            "EDUCRM_INTERNAL_TOKEN": uuid.uuid4().hex,
        }
        subprocess.run([str(BIN / "educrm-migrate"), "identity"], env=env, check=True,
                       capture_output=True)
        subprocess.run([PYTHON, "-m", "identity.demo_seed"], env=env, check=True,
                       capture_output=True)
        gateway_env = {
            **env, "EDUCRM_GATEWAY_PORT": str(gateway_port),
            "EDUCRM_GATEWAY_IDENTITY_TARGET": f"127.0.0.1:{identity_port}",
            "EDUCRM_GATEWAY_REDIS_URL": REDIS_URL, "EDUCRM_GATEWAY_AMQP_URI": AMQP_URI,
            "EDUCRM_GATEWAY_REDIS_PREFIX": prefix,
            "EDUCRM_GATEWAY_AUDIT_EXCHANGE": BENCH_EXCHANGE,
            "EDUCRM_GATEWAY_FREEZE_MAX_READS": "100000000",
            "EDUCRM_GATEWAY_USER_RATE_LIMIT": "100000000",
            "EDUCRM_GATEWAY_LOG_LEVEL": "warning",
        }
        processes: list[subprocess.Popen] = []
        identity_log = open(Path(var) / "identity-api.log", "wb")  # noqa: SIM115
        try:
            processes.append(subprocess.Popen([PYTHON, "-m", "identity.api"], env=env,
                                              stderr=identity_log, stdout=identity_log))
            processes.append(subprocess.Popen(
                [PYTHON, str(Path(__file__).with_name("floor_identity.py")),
                 f"127.0.0.1:{floor_grpc_port}", url], env=env))
            wait_port(identity_port, timeout=120)
            wait_port(floor_grpc_port, timeout=120)
            processes.append(subprocess.Popen([PYTHON, "-m", "gateway"], env=gateway_env))
            processes.append(subprocess.Popen(
                [PYTHON, str(Path(__file__).with_name("floor_app.py")), str(floor_port),
                 f"127.0.0.1:{identity_port}", REDIS_URL, f"127.0.0.1:{floor_grpc_port}"],
                env=env))
            base = f"http://127.0.0.1:{gateway_port}"
            floor = f"http://127.0.0.1:{floor_port}"
            wait_http(f"{base}/readyz", timeout=120)
            wait_http(f"{floor}/v1/me", timeout=120)
            login = httpx.post(f"{base}/v1/auth/login", json=LOGIN)
            login.raise_for_status()
            auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
            listed = httpx.get(f"{base}/v1/users", params={"query": TARGET_USERNAME},
                               headers=auth)
            listed.raise_for_status()
            target = next(u["id"] for u in listed.json()["items"]
                          if u["username"] == TARGET_USERNAME)
            identity, floor_identity, gateway, floor_app = (p.pid for p in processes)
            # label -> (url, the HTTP app's pid, the pid of the gRPC server it calls)
            paths = {
                "floor /v1/me (JWT + Redis)": (f"{floor}/v1/me", floor_app, None),
                "gateway /v1/me": (f"{base}/v1/me", gateway, None),
                "floor /v1/users/{id} (+ bare gRPC PK read)":
                    (f"{floor}/v1/users/{target}", floor_app, floor_identity),
                "gateway /v1/users/{id} (real identity)":
                    (f"{base}/v1/users/{target}", gateway, identity),
            }
            urls = {label: url for label, (url, _, _) in paths.items()}
            for url in urls.values():
                response = httpx.get(url, headers=auth)
                assert response.status_code == 200, (url, response.status_code, response.text)
            results: dict[int, dict[str, list[dict]]] = {}
            for connections in options.connections:
                print(f"\n[{backend}] {connections} connection(s), {options.duration} s each, "
                      f"{options.rounds} alternating rounds; load before {loadavg()}",
                      flush=True)
                for url in urls.values():  # warm every path at this concurrency
                    run_wrk(wrk, url, duration=options.warmup, connections=connections,
                            headers=auth)
                header()
                runs: dict[str, list[dict]] = {label: [] for label in urls}
                for round_no in range(1, options.rounds + 1):
                    for label, (url, http_pid, grpc_pid) in paths.items():
                        result = measure(wrk, url, http_pid, grpc_pid,
                                         duration=options.duration, connections=connections,
                                         headers=auth)
                        runs[label].append(result)
                        show(f"{label} [{round_no}]", result)
                results[connections] = runs
            if options.profile:
                profile({"identity api": identity, "gateway": gateway},
                        paths["gateway /v1/users/{id} (real identity)"][0], auth, wrk, options,
                        backend)
            return results
        finally:
            stop(processes)
            identity_log.close()
            with contextlib.suppress(Exception):
                client = redis.Redis.from_url(REDIS_URL)
                keys = list(client.scan_iter(match=f"{prefix}*")) + list(
                    client.scan_iter(match="bench:floor:*"))
                if keys:
                    client.delete(*keys)


def profile(pids: dict[str, int], url: str, auth: dict[str, str], wrk: str, options,
            backend: str) -> None:
    """Sample each named process with py-spy (the thread holding the GIL: where its CPU goes)
    while the gateway read runs at the highest connection count; write collapsed stacks and
    print each process's heaviest frames (inclusive)."""
    connections = max(options.connections)
    spies = {}
    for name, pid in pids.items():
        target = Path(f"{options.profile}-{backend}-{name}.txt")
        spies[name] = (target, subprocess.Popen(
            [str(BIN / "py-spy"), "record", "--pid", str(pid), "--nonblocking", "--gil",
             "--rate", "200", "--duration", str(options.duration), "--format", "raw",
             "--output", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    run_wrk(wrk, url, duration=options.duration, connections=connections, headers=auth)
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
        print(f"\n[{backend}] py-spy on the {name}, {connections} connections: {total} samples "
              f"holding the GIL; stacks in {target}")
        for frame, count in sorted(inclusive.items(), key=lambda kv: -kv[1])[:options.top]:
            print(f"{100 * count / max(total, 1):6.1f}%  {frame}")


def summarise(all_results: dict[str, dict[int, dict[str, list[dict]]]]) -> None:
    print("\nmedians (req/s, p50 ms, p99 ms); floor = same path without the plumbing, "
          "same run")
    row = "{:<9} {:>5}  {:<44} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9}"
    print(row.format("backend", "conns", "app", "req/s", "p50 ms", "p99 ms", "HTTP cpu",
                     "gRPC cpu", "all cpu"))
    print(row.format("", "", "", "", "", "", "ms/req", "ms/req", "ms/req"))
    print("-" * 118)
    for backend, by_connections in all_results.items():
        for connections, runs in by_connections.items():
            medians = {}
            for label, all_runs in runs.items():
                # A run with errors (a broker restart on the shared machine, say) measured
                # something else: it is printed above and left out here.
                results = [r for r in all_runs if not r["non2xx"]] or all_runs
                medians[label] = statistics.median(r["rps"] for r in results)
                grpc_cpu = [r["grpc_cpu_ms"] for r in results if r["grpc_cpu_ms"] is not None]
                print(row.format(backend, connections, label, f"{medians[label]:.0f}",
                                 f"{statistics.median(r['p50'] for r in results):.2f}",
                                 f"{statistics.median(r['p99'] for r in results):.2f}",
                                 f"{statistics.median(r['http_cpu_ms'] for r in results):.2f}",
                                 f"{statistics.median(grpc_cpu):.2f}" if grpc_cpu else "-",
                                 f"{statistics.median(r['all_cpu_ms'] for r in results):.2f}"))
            _, gateway_me, floor_users, gateway_users = medians.values()
            if floor_users and gateway_me:
                print(f"{'':<17}gateway /v1/users/{{id}} ÷ its floor: "
                      f"{gateway_users / floor_users:.2f}; ÷ gateway /v1/me: "
                      f"{gateway_users / gateway_me:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--connections", default="1,64",
                        type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--duration", type=int, default=8, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="PREFIX",
                        help="also sample the identity api and the gateway with py-spy during "
                             "one more gateway read run; stacks go to PREFIX-<backend>-*.txt")
    parser.add_argument("--top", type=int, default=60, help="frames printed with --profile")
    options = parser.parse_args()
    wrk = ensure_wrk()
    print(f"read-path bench: {os.cpu_count()} CPUs (shared), wrk 1 thread; identity = REAL "
          f"(python -m identity.api, INFO JSON log per call); gateway audit ON", flush=True)
    declare_audit_queue()
    try:
        all_results = {backend: measure_backend(backend, options, wrk)
                       for backend in options.backends.split(",")}
    finally:
        drop_audit_queue()
    summarise(all_results)
    print(f"load average after: {loadavg()} (2 shared cores: compare with the floors)")


if __name__ == "__main__":
    main()
