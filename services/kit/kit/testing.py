"""Test helpers every service reuses: throw-away databases, a private AMQP vhost, polling.

Use them from a service's conftest.py:

    from kit import testing

    postgres_url = testing.postgres_database_fixture(scope="session")
    amqp_uri = testing.amqp_vhost_fixture(scope="session")

Tests wait for asynchronous outcomes with `wait_for(predicate, timeout)` — a condition polled
with a deadline — never with a bare time.sleep.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple, TypeVar

import pytest

T = TypeVar("T")

POSTGRES_ADMIN_DSN = os.environ.get(
    "EDUCRM_TEST_POSTGRES_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
POSTGRES_URL_PREFIX = os.environ.get(
    "EDUCRM_TEST_POSTGRES_URL_PREFIX", "postgresql+psycopg2://postgres@127.0.0.1:5432/")
AMQP_BASE_URI = os.environ.get("EDUCRM_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MANAGEMENT_URL = os.environ.get("EDUCRM_TEST_RABBITMQ_MANAGEMENT", "http://127.0.0.1:15672")


class WaitTimeout(AssertionError):
    pass


def wait_for(predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05,
             message: str | None = None) -> T:
    """Poll `predicate` until it returns something truthy; return it, or fail at the deadline.

    Exceptions from the predicate count as "not yet" until the deadline, then are re-raised.
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = predicate()
            if result:
                return result
            last_error = None
        except Exception as exc:  # noqa: BLE001 - polled condition may fail transiently
            last_error = exc
        if time.monotonic() >= deadline:
            text = message or f"condition not met within {timeout}s: {predicate!r}"
            raise WaitTimeout(text) from last_error
        time.sleep(interval)


# --- PostgreSQL -----------------------------------------------------------------------------

def _admin_execute(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(POSTGRES_ADMIN_DSN)
    try:
        connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@contextlib.contextmanager
def postgres_database(prefix: str = "educrm_test") -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its SQLAlchemy URL, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL_PREFIX + name
    finally:
        # FORCE ends sessions a test left open (PostgreSQL 13+).
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def sqlite_database(name: str = "test.db") -> Iterator[str]:
    """A SQLite file in a fresh temp directory (WAL needs a file, not :memory:)."""
    directory = tempfile.mkdtemp(prefix="educrm_test_")
    try:
        yield f"sqlite:///{Path(directory) / name}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# --- RabbitMQ -------------------------------------------------------------------------------

def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args],  # noqa: S603,S607 - local test broker
                   check=True, capture_output=True, timeout=60)


def _management(method: str, path: str, body: bytes | None = None) -> None:
    import base64
    import urllib.request

    parsed = urllib.parse.urlparse(AMQP_BASE_URI)
    token = base64.b64encode(f"{parsed.username}:{parsed.password}".encode()).decode()
    if not MANAGEMENT_URL.startswith(("http://", "https://")):
        raise ValueError(f"EDUCRM_TEST_RABBITMQ_MANAGEMENT must be http(s): {MANAGEMENT_URL}")
    request = urllib.request.Request(  # noqa: S310 - scheme checked just above
        MANAGEMENT_URL + path, data=body, method=method,
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).close()  # noqa: S310 - scheme checked above


def create_vhost(name: str) -> None:
    user = urllib.parse.urlparse(AMQP_BASE_URI).username or "guest"
    if shutil.which("rabbitmqctl"):
        _rabbitmqctl("add_vhost", name)
        _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
    else:  # a remote broker: needs the rabbitmq_management plugin
        quoted = urllib.parse.quote(name, safe="")
        _management("PUT", f"/api/vhosts/{quoted}")
        _management("PUT", f"/api/permissions/{quoted}/{user}",
                    b'{"configure":".*","write":".*","read":".*"}')


def _vhost_queues(name: str) -> list[str]:
    if shutil.which("rabbitmqctl"):
        listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", name,  # noqa: S603,S607
                                 "name", "--no-table-headers"],
                                capture_output=True, text=True, timeout=60)
        return [line.strip() for line in listed.stdout.splitlines() if line.strip()]
    import base64
    import json
    import urllib.request

    parsed = urllib.parse.urlparse(AMQP_BASE_URI)
    token = base64.b64encode(f"{parsed.username}:{parsed.password}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - checked in _management
        f"{MANAGEMENT_URL}/api/queues/{urllib.parse.quote(name, safe='')}?columns=name",
        headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
        return [q["name"] for q in json.load(reply)]


def _delete_queues(name: str) -> None:
    """Delete a vhost's queues one at a time, before the vhost itself: deleting a vhost
    that still holds quorum queues with at-least-once dead-lettering tears them all down at
    once, and with several test vhosts going concurrently RabbitMQ's `rabbit_fifo_dlx_sup`
    has crashed doing that. Best effort: the vhost deletion removes whatever is left."""
    import pika
    import pika.exceptions

    try:
        queues = _vhost_queues(name)
        if not queues:
            return
        connection = pika.BlockingConnection(pika.URLParameters(vhost_uri(name)))
    except Exception:  # noqa: BLE001 - teardown: delete_vhost still runs
        return
    try:
        channel = connection.channel()
        for queue in queues:
            try:
                channel.queue_delete(queue)
            except pika.exceptions.ChannelClosed:  # gone already (auto-delete, exclusive)
                channel = connection.channel()
    except pika.exceptions.AMQPError:
        pass
    finally:
        if connection.is_open:
            connection.close()


def delete_vhost(name: str) -> None:
    _delete_queues(name)
    if shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name],  # noqa: S603,S607
                       capture_output=True,
                       timeout=60)
    else:
        _management("DELETE", f"/api/vhosts/{urllib.parse.quote(name, safe='')}")


def vhost_uri(name: str, base: str = AMQP_BASE_URI) -> str:
    parsed = urllib.parse.urlparse(base)
    return urllib.parse.urlunparse(parsed._replace(path="/" + urllib.parse.quote(name, safe="")))


@contextlib.contextmanager
def amqp_vhost(prefix: str = "educrm_test") -> Iterator[str]:
    """A private vhost (so parallel test runs never share queues); yields its AMQP URI."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    create_vhost(name)
    try:
        yield vhost_uri(name)
    finally:
        delete_vhost(name)


def close_amqp_connections(connection_name: str) -> int:
    """Close the broker connections a client named `connection_name` (its
    `client_properties.connection_name`), as a broker restart would; return how many.
    Needs the rabbitmq_management plugin."""
    import base64
    import json
    import urllib.request

    parsed = urllib.parse.urlparse(AMQP_BASE_URI)
    token = base64.b64encode(f"{parsed.username}:{parsed.password}".encode()).decode()
    if not MANAGEMENT_URL.startswith(("http://", "https://")):
        raise ValueError(f"EDUCRM_TEST_RABBITMQ_MANAGEMENT must be http(s): {MANAGEMENT_URL}")

    def request(method: str, path: str):
        return urllib.request.urlopen(urllib.request.Request(  # noqa: S310 - checked above
            MANAGEMENT_URL + path, method=method,
            headers={"Authorization": f"Basic {token}",
                     "X-Reason": "test: broker connection lost"}), timeout=30)

    with request("GET", "/api/connections?columns=name,client_properties") as response:
        connections = json.load(response)
    closed = 0
    for connection in connections:
        if (connection.get("client_properties") or {}).get("connection_name") == connection_name:
            request("DELETE", "/api/connections/" + urllib.parse.quote(connection["name"],
                                                                       safe="")).close()
            closed += 1
    return closed


class QueueDepth(NamedTuple):
    messages: int
    consumers: int


def queue_depth(uri: str, queue: str) -> QueueDepth:
    """Ready messages and consumers of an existing queue (a passive declare)."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        method = connection.channel().queue_declare(queue, passive=True).method
        return QueueDepth(method.message_count, method.consumer_count)
    finally:
        connection.close()


def publish_event(uri: str, exchange: str, routing_key: str, body: str | bytes, *,
                  content_type: str = "application/cloudevents+json",
                  message_id: str | None = None, mandatory: bool = False) -> None:
    """Publish one persistent message as a producer would, waiting for the broker's confirm."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange, routing_key, body, pika.BasicProperties(
            delivery_mode=2, content_type=content_type, message_id=message_id),
            mandatory=mandatory)
    finally:
        connection.close()


# --- Redis ----------------------------------------------------------------------------------

def free_port() -> int:
    """A loopback port free now, for a server a test starts. Taken below the kernel's
    ephemeral range (32768+): a port the kernel hands out for `bind(0)` is also what it hands
    the test's own outgoing connections (RabbitMQ, PostgreSQL), which could take it before the
    server binds it."""
    import random
    import socket

    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in 20000-32000")


_free_port = free_port


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A private, memory-only `redis-server` on a free port; yields its URL. For tests that
    FLUSHALL or restart Redis: never do that to the shared one."""
    import redis

    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed local binary and arguments
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1",  # noqa: S607
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        wait_for(client.ping, timeout=10, message="the private redis-server did not start")
        client.close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- pytest fixture factories ---------------------------------------------------------------

def postgres_database_fixture(scope: str = "session", name: str | None = None):
    """A pytest fixture yielding the URL of a throw-away PostgreSQL database."""

    @pytest.fixture(scope=scope, name=name)
    def _fixture() -> Iterator[str]:
        with postgres_database() as url:
            yield url

    return _fixture


def sqlite_database_fixture(scope: str = "function", name: str | None = None):
    @pytest.fixture(scope=scope, name=name)
    def _fixture() -> Iterator[str]:
        with sqlite_database() as url:
            yield url

    return _fixture


def amqp_vhost_fixture(scope: str = "session", name: str | None = None):
    """A pytest fixture yielding an AMQP URI on a private, deleted-afterwards vhost."""

    @pytest.fixture(scope=scope, name=name)
    def _fixture() -> Iterator[str]:
        with amqp_vhost() as uri:
            yield uri

    return _fixture
