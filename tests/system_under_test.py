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
    enrollment_target: str | None = None

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
        if self.scheduling_target:  # not (yet) among the gateway's readiness checks
            testing.wait_for(lambda: ready() and grpc_serving(self.scheduling_target),
                             timeout=timeout, interval=0.2,
                             message="the scheduling api did not become ready")
        if self.enrollment_target:
            testing.wait_for(lambda: ready() and grpc_serving(self.enrollment_target),
                             timeout=timeout, interval=0.2,
                             message="the enrollment api did not become ready")


@contextlib.contextmanager
def running_system(tmp_path: Path, *, scheduling: bool = True, enrollment: bool = False,
                   **overrides: str) -> Iterator[SystemUnderTest]:
    """Migrate, seed and start identity (api + worker), scheduling (api + worker, unless
    `scheduling=False`), enrollment (api + worker, when `enrollment=True`) and the
    gateway."""
    with contextlib.ExitStack() as stack:
        identity_db = stack.enter_context(testing.postgres_database("educrm_e2e"))
        scheduling_db = stack.enter_context(testing.postgres_database("educrm_e2e_sched"))
        enrollment_db = stack.enter_context(testing.postgres_database("educrm_e2e_enr")) \
            if enrollment else ""
        amqp_uri = stack.enter_context(testing.amqp_vhost("educrm_e2e"))
        gateway_port, identity_port, scheduling_port = free_port(), free_port(), free_port()
        enrollment_port = free_port()
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
            "EDUCRM_ENROLLMENT_DATABASE_URL": enrollment_db,
            "EDUCRM_ENROLLMENT_GRPC_PORT": str(enrollment_port),
            "EDUCRM_ENROLLMENT_METRICS_PORT": str(free_port()),
            "EDUCRM_ENROLLMENT_WORKER_METRICS_PORT": str(free_port()),
            "EDUCRM_ENROLLMENT_IDENTITY_ADDRESS": f"127.0.0.1:{identity_port}",
            "EDUCRM_GATEWAY_ENROLLMENT_TARGET": f"127.0.0.1:{enrollment_port}",
            "EDUCRM_GATEWAY_PORT": str(gateway_port),
            "EDUCRM_GATEWAY_REDIS_PREFIX": f"educrm:e2e:{uuid.uuid4().hex[:8]}:",
            "EDUCRM_INTERNAL_TOKEN": uuid.uuid4().hex,
            **overrides,
        }
        system = SystemUnderTest(
            env=env, var_dir=tmp_path, gateway_url=f"http://127.0.0.1:{gateway_port}",
            scheduling_target=f"127.0.0.1:{scheduling_port}" if scheduling else None,
            enrollment_target=f"127.0.0.1:{enrollment_port}" if enrollment else None)
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
            if enrollment:
                system.run(str(BIN / "educrm-migrate"), "enrollment")
                system.run(sys.executable, "-m", "enrollment.demo_seed")
                system.start("enrollment-api", sys.executable, "-m", "enrollment.api")
                system.start("enrollment-worker", sys.executable, "-m", "enrollment.worker")
            system.start("gateway", sys.executable, "-m", "gateway")
            system.wait_ready()
            yield system
        finally:
            system.stop_all()
