"""Start EduCRM's real processes for cross-service tests: the same commands `make run` uses,
on private resources (a temp var/ dir, a throw-away PostgreSQL database, a private RabbitMQ
vhost, a Redis key prefix, free ports), and stop them afterwards."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from kit import testing

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def grpc_serving(target: str, timeout: float = 1.0) -> bool:
    """grpc.health of a service's api process says SERVING."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(target) as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=timeout)
        except grpc.RpcError:
            return False
    return response.status == health_pb2.HealthCheckResponse.SERVING


free_port = testing.free_port


@dataclass
class SystemUnderTest:
    env: dict[str, str]
    var_dir: Path
    gateway_url: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    scheduling_target: str | None = None
    leads_target: str | None = None
    enrollment_target: str | None = None
    finance_target: str | None = None

    def run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        result = subprocess.run(argv, env=self.env, cwd=REPO, capture_output=True, text=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, name: str, *argv: str) -> subprocess.Popen:
        log = open(self.var_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(argv, env=self.env, cwd=REPO, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.var_dir / f"{name}.log").read_text(errors="replace")

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"{name} exited early:\n{self.log(name)[-4000:]}")
            try:
                return httpx.get(self.gateway_url + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        testing.wait_for(ready, timeout=timeout, interval=0.2,
                         message="the system did not become ready")
        # optional in the gateway's readiness checks: waited for here
        for name, target in (("scheduling", self.scheduling_target),
                             ("leads", self.leads_target),
                             ("enrollment", self.enrollment_target),
                             ("finance", self.finance_target)):
            if target:
                testing.wait_for(lambda t=target: ready() and grpc_serving(t),
                                 timeout=timeout, interval=0.2,
                                 message=f"the {name} api did not become ready")


@contextlib.contextmanager
def running_system(tmp_path: Path, *, scheduling: bool = True, leads: bool = False,
                   enrollment: bool = False, finance: bool = False,
                   **overrides: str) -> Iterator[SystemUnderTest]:
    """Migrate, seed and start identity (api + worker), scheduling (api + worker, unless
    `scheduling=False`), leads, enrollment and finance (api + worker each, when asked for)
    and the gateway. A service not asked for gets no database."""
    with contextlib.ExitStack() as stack:
        def database(name: str, wanted: bool = True) -> str:
            return stack.enter_context(testing.postgres_database(name)) if wanted else ""

        identity_db, scheduling_db = database("educrm_e2e"), database("educrm_e2e_sched")
        leads_db = database("educrm_e2e_leads", leads)
        enrollment_db = database("educrm_e2e_enr", enrollment)
        finance_db = database("educrm_e2e_fin", finance)
        amqp_uri = stack.enter_context(testing.amqp_vhost("educrm_e2e"))
        gateway_port, identity_port, scheduling_port = free_port(), free_port(), free_port()
        leads_port, enrollment_port, finance_port = free_port(), free_port(), free_port()
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "EDUCRM_ENV": "development",
            "EDUCRM_VAR_DIR": str(tmp_path),
            "EDUCRM_AMQP_URI": amqp_uri,
            "EDUCRM_IDENTITY_DATABASE_URL": identity_db,
            "EDUCRM_IDENTITY_GRPC_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_IDENTITY_METRICS_PORT": str(free_port()),
            "EDUCRM_IDENTITY_WORKER_METRICS_PORT": str(free_port()),
            "EDUCRM_GATEWAY_IDENTITY_TARGET": f"127.0.0.1:{identity_port}",
            "EDUCRM_SCHEDULING_DATABASE_URL": scheduling_db,
            "EDUCRM_SCHEDULING_GRPC_PORT": str(scheduling_port),
            "EDUCRM_SCHEDULING_METRICS_PORT": str(free_port()),
            "EDUCRM_SCHEDULING_WORKER_METRICS_PORT": str(free_port()),
            "EDUCRM_SCHEDULING_IDENTITY_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_GATEWAY_SCHEDULING_TARGET": f"127.0.0.1:{scheduling_port}",
            "EDUCRM_LEADS_DATABASE_URL": leads_db,
            "EDUCRM_LEADS_GRPC_PORT": str(leads_port),
            "EDUCRM_LEADS_METRICS_PORT": str(free_port()),
            "EDUCRM_LEADS_WORKER_METRICS_PORT": str(free_port()),
            "EDUCRM_LEADS_IDENTITY_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_GATEWAY_LEADS_TARGET": f"127.0.0.1:{leads_port}",
            "EDUCRM_ENROLLMENT_DATABASE_URL": enrollment_db,
            "EDUCRM_ENROLLMENT_GRPC_PORT": str(enrollment_port),
            "EDUCRM_ENROLLMENT_METRICS_PORT": str(free_port()),
            "EDUCRM_ENROLLMENT_WORKER_METRICS_PORT": str(free_port()),
            "EDUCRM_ENROLLMENT_IDENTITY_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_GATEWAY_ENROLLMENT_TARGET": f"127.0.0.1:{enrollment_port}",
            "EDUCRM_FINANCE_DATABASE_URL": finance_db,
            "EDUCRM_FINANCE_GRPC_PORT": str(finance_port),
            "EDUCRM_FINANCE_METRICS_PORT": str(free_port()),
            "EDUCRM_FINANCE_WORKER_METRICS_PORT": str(free_port()),
            "EDUCRM_FINANCE_IDENTITY_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_GATEWAY_FINANCE_TARGET": f"127.0.0.1:{finance_port}",
            "EDUCRM_GATEWAY_PORT": str(gateway_port),
            "EDUCRM_GATEWAY_REDIS_PREFIX": f"educrm:e2e:{uuid.uuid4().hex[:8]}:",
            "EDUCRM_INTERNAL_TOKEN": uuid.uuid4().hex,
            **overrides,
        }
        system = SystemUnderTest(
            env=env, var_dir=tmp_path, gateway_url=f"http://127.0.0.1:{gateway_port}",
            scheduling_target=f"127.0.0.1:{scheduling_port}" if scheduling else None,
            leads_target=f"127.0.0.1:{leads_port}" if leads else None,
            enrollment_target=f"127.0.0.1:{enrollment_port}" if enrollment else None,
            finance_target=f"127.0.0.1:{finance_port}" if finance else None)
        try:
            system.run(str(BIN / "educrm-bus"), "declare")
            system.run(str(BIN / "educrm-migrate"), "identity")
            system.run(sys.executable, "-m", "identity.demo_seed")
            system.start("identity-api", sys.executable, "-m", "identity.api")
            system.start("identity-worker", sys.executable, "-m", "identity.worker")
            if scheduling:
                system.run(str(BIN / "educrm-migrate"), "scheduling")
                system.run(sys.executable, "-m", "scheduling.demo_seed")
                system.start("scheduling-api", sys.executable, "-m", "scheduling.api")
                system.start("scheduling-worker", sys.executable, "-m", "scheduling.worker")
            if leads:
                system.run(str(BIN / "educrm-migrate"), "leads")
                system.run(sys.executable, "-m", "leads.demo_seed")
                system.start("leads-api", sys.executable, "-m", "leads.api")
                system.start("leads-worker", sys.executable, "-m", "leads.worker")
            if enrollment:
                system.run(str(BIN / "educrm-migrate"), "enrollment")
                system.run(sys.executable, "-m", "enrollment.demo_seed")
                system.start("enrollment-api", sys.executable, "-m", "enrollment.api")
                system.start("enrollment-worker", sys.executable, "-m", "enrollment.worker")
            if finance:
                system.run(str(BIN / "educrm-migrate"), "finance")
                system.start("finance-api", sys.executable, "-m", "finance.api")
                system.start("finance-worker", sys.executable, "-m", "finance.worker")
            system.start("gateway", sys.executable, "-m", "gateway")
            system.wait_ready()
            yield system
        finally:
            system.stop_all()
