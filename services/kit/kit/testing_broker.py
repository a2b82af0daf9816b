"""A private RabbitMQ node for tests that stop, restart or break the broker.

Such a test must never do it to the shared broker on 5672: every other test, process and
developer on the machine uses that one (a `stop_app`/`start_app` under concurrent quorum-queue
declarations once left it without its dead-letter supervisor, and every later declare failed
with 541). This node has its own name, ports, data directory and no plugins, boots in about
ten seconds, and is deleted afterwards.

    with private_rabbitmq() as node:
        uri = node.amqp_uri
        node.stop_app(); node.start_app()
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from kit.testing import free_port as _free_port
from kit.testing import wait_for


@dataclasses.dataclass(frozen=True)
class RabbitNode:
    name: str
    port: int
    data_dir: Path

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(["rabbitmqctl", "-q", "-n", self.name, *args],  # noqa: S603,S607
                       check=True, timeout=timeout, capture_output=True)

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.ctl("await_startup", "--timeout", "60")


@contextlib.contextmanager
def private_rabbitmq() -> Iterator[RabbitNode]:
    """Start a throw-away RabbitMQ node on free loopback ports; stop and delete it after."""
    data_dir = Path(tempfile.mkdtemp(prefix="educrm-rabbit-"))
    # The Debian server script drops to the `rabbitmq` user: it must write here.
    data_dir.chmod(0o777)
    node = RabbitNode(f"educrm-test-{uuid.uuid4().hex[:8]}@localhost", _free_port(), data_dir)
    (data_dir / "rabbitmq.conf").write_text(
        f"listeners.tcp.local = 127.0.0.1:{node.port}\nloopback_users = none\n")
    (data_dir / "enabled_plugins").write_text("[].\n")
    (data_dir / "rabbitmq-env.conf").write_text("")  # not the machine's (it names the node)
    for path in data_dir.iterdir():
        path.chmod(0o644)
    env = {**os.environ,
           "RABBITMQ_NODENAME": node.name,
           "RABBITMQ_CONFIG_FILE": str(data_dir / "rabbitmq.conf"),
           "RABBITMQ_CONF_ENV_FILE": str(data_dir / "rabbitmq-env.conf"),
           "RABBITMQ_ENABLED_PLUGINS_FILE": str(data_dir / "enabled_plugins"),
           "RABBITMQ_MNESIA_BASE": str(data_dir / "mnesia"),
           "RABBITMQ_LOG_BASE": str(data_dir / "log"),
           "RABBITMQ_DIST_PORT": str(_free_port()),
           "ERL_EPMD_ADDRESS": "127.0.0.1"}
    subprocess.run(["rabbitmq-server", "-detached"], check=True, env=env,  # noqa: S607
                   timeout=60, capture_output=True)
    try:
        def started() -> bool:
            # await_startup fails at once while the node has not registered with epmd yet.
            try:
                node.ctl("await_startup", "--timeout", "60")
            except subprocess.CalledProcessError:
                return False
            return True

        wait_for(started, timeout=120, interval=0.5,
                 message=f"private RabbitMQ node {node.name} did not start ({data_dir}/log)")
        yield node
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            node.ctl("stop", timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)
