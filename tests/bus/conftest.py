import os
import signal
import subprocess
import sys
from pathlib import Path

import pika
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the busdemo package

from busdemo import catalogue as _demo_catalogue  # noqa: E402,F401  (registers the demo type)
from busdemo.models import Base  # noqa: E402
from kit import testing  # noqa: E402
from kit.db import Database  # noqa: E402
from kit.events.topology import build_topology, declare  # noqa: E402

postgres_url = testing.postgres_database_fixture(scope="session")


@pytest.fixture
def amqp_uri():
    with testing.amqp_vhost("educrm_bus") as uri:
        connection = pika.BlockingConnection(pika.URLParameters(uri))
        # Topology declared ahead, as `educrm-bus declare` does before anything runs.
        assert declare(connection, build_topology(delivery_limit=5)).ok
        connection.close()
        yield uri


@pytest.fixture
def demo_db(postgres_url):
    database = Database(postgres_url)
    Base.metadata.drop_all(database.engine)
    Base.metadata.create_all(database.engine)
    yield database
    Base.metadata.drop_all(database.engine)
    database.dispose()


class WorkerProcess:
    """`python -m busdemo.worker` as a subprocess, the way a supervisor runs it."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path, self.process = env, log_path, None

    def start(self) -> "WorkerProcess":
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "busdemo.worker"], cwd=HERE, env=self.env,
            stdout=log, stderr=subprocess.STDOUT)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> int | None:
        if self.alive():
            self.process.terminate()
            try:
                return self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.returncode if self.process else None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@pytest.fixture
def worker(amqp_uri, demo_db, tmp_path):
    env = dict(os.environ)
    env.pop("EDUCRM_TEST_EVENTLET", None)
    env.update({
        "EDUCRM_AMQP_URI": amqp_uri,
        "BUSDEMO_DATABASE_URL": demo_db.url,
        "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
    })
    processes: list[WorkerProcess] = []

    def make(**extra: str) -> WorkerProcess:
        process = WorkerProcess({**env, **extra}, tmp_path / "worker.log")
        processes.append(process)
        return process

    yield make
    for process in processes:
        process.terminate()
