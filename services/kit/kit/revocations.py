"""Local deny lists of frozen users and revoked sessions, kept by every api process.

An access token stays valid for minutes after its user is frozen or logs out. Identity
announces those changes as events (user.frozen, user.unfrozen, user.left, session.revoked);
each api process keeps them in memory (`DenyList`) and its gRPC interceptor refuses a caller
on the list (`DenyList.check`, passed as kit.grpc_server's `caller_check`): a frozen user's
still-valid token is refused on direct gRPC within a second, for the price of a dict lookup.

`RevocationFollower` keeps the list current: one background thread (plain threads: api
processes are grpcio, never eventlet) with its own exclusive, auto-delete queue bound to
identity's events. Messages published while a process is down are lost with its queue, so on
every (re)connect the follower binds its queue FIRST, then reads identity's current state
(`fetch`, identity's ListRevocations) and replaces the list, and only then applies the queued
events in order. Every event states an absolute state (frozen, active, left, revoked), so
whatever the snapshot caught of the events queued meanwhile, applying them in order ends at
identity's current state.

Until the first snapshot the list fails closed (UNAVAILABLE, `auth.revocations_unavailable`),
as token verification does without identity's keys; the grpc health of the process says
NOT_SERVING until then. Afterwards a lost broker keeps the last known list while the
follower reconnects with backoff; `educrm_<part>_revocations_connected` and the health
service `educrm.revocations` say so.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import grpc

from . import errors, metrics
from .caller import Caller
from .events.envelope import Envelope, EnvelopeError, parse_events

log = logging.getLogger("kit.revocations")

IDENTITY_EXCHANGE = "identity.events"
USER_FROZEN = "crm.identity.user.frozen.v1"
USER_UNFROZEN = "crm.identity.user.unfrozen.v1"
USER_LEFT = "crm.identity.user.left.v1"
SESSION_REVOKED = "crm.identity.session.revoked.v1"
EVENT_TYPES = (USER_FROZEN, USER_UNFROZEN, USER_LEFT, SESSION_REVOKED)

# The grpc health service name that reports the follower's broker connection.
HEALTH_SERVICE = "educrm.revocations"

FROZEN = "frozen"
LEFT = "left"

# A revoked session whose event carries no expiry is remembered this long (seconds): well
# above identity's access-token lifetime (15 min by default).
DEFAULT_SESSION_TTL = 3600.0
# Sessions are forgotten this long after their last token expired (clock skew, leeway).
SESSION_GRACE = 60.0


# -- the reasons, the same as identity's own (so the gateway maps every service alike) ----
def user_frozen_error() -> errors.PermissionDenied:
    return errors.PermissionDenied("account is frozen; contact an administrator",
                                   reason="user.frozen", message_zh="账号已冻结，请联系管理员解冻")


def user_left_error() -> errors.PermissionDenied:
    return errors.PermissionDenied("account is closed (the user has left)", reason="user.left",
                                   message_zh="账号已停用（用户已离职）")


def session_revoked_error() -> errors.Unauthenticated:
    return errors.Unauthenticated("session revoked", reason="session.revoked",
                                  message_zh="会话已注销，请重新登录")


class RevocationsUnavailable(errors.DomainError):
    """The deny list was never loaded (identity unreachable since start): retryable."""
    code = grpc.StatusCode.UNAVAILABLE
    reason = "auth.revocations_unavailable"


@dataclasses.dataclass(frozen=True)
class RevokedSession:
    session_id: str
    user_id: str
    expires_at: float  # epoch seconds: after it no token of the session verifies anyway


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """Identity's revocation state at one moment."""
    frozen_user_ids: frozenset[str] = frozenset()
    left_user_ids: frozenset[str] = frozenset()
    revoked_sessions: tuple[RevokedSession, ...] = ()


class RevocationSink(Protocol):
    """What a follower feeds: the in-memory DenyList, the gateway's Redis flags, ...
    (A sink may also have `before_snapshot()`, called before identity's state is read, and
    `purge()`, called now and then.)"""

    def replace(self, snapshot: Snapshot) -> None: ...
    def user_frozen(self, user_id: str) -> None: ...
    def user_unfrozen(self, user_id: str) -> None: ...
    def user_left(self, user_id: str) -> None: ...
    def session_revoked(self, session: RevokedSession) -> None: ...


@dataclasses.dataclass
class _Instruments:
    refused: object
    entries: object
    events: object
    syncs: object
    connected: object
    last_sync: object

    @classmethod
    def for_part(cls, part: str) -> _Instruments:
        return cls(
            refused=metrics.counter(part, "revocations_refused", "Calls refused by the local "
                                    "deny list, by reason", labelnames=("reason",)),
            entries=metrics.gauge(part, "revocations_entries", "Entries of the local deny "
                                  "list (users frozen or left, sessions revoked)",
                                  labelnames=("kind",)),
            events=metrics.counter(part, "revocations_events", "Identity events applied to the "
                                   "deny list, by type", labelnames=("type",)),
            syncs=metrics.counter(part, "revocations_syncs", "Deny list rebuilt from "
                                  "identity's current state"),
            connected=metrics.gauge(part, "revocations_connected", "1 while the deny list "
                                    "follows identity's events, 0 while reconnecting"),
            last_sync=metrics.gauge(part, "revocations_last_sync", "When the deny list was "
                                    "last rebuilt from identity", unit="timestamp_seconds"),
        )


class DenyList:
    """Users frozen or left, sessions revoked: what `check` refuses.

    Written by one follower thread (and, in identity, by its own commits), read by every gRPC
    worker thread without a lock: each write replaces one dict item or a whole dict, which
    the GIL makes atomic.
    """

    def __init__(self, part: str, *, loaded: bool = False) -> None:
        self._users: dict[str, str] = {}
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()
        self._loaded = loaded
        self._instruments = _Instruments.for_part(part)

    @property
    def loaded(self) -> bool:
        return self._loaded

    # -- reads (hot path) ---------------------------------------------------------------
    def refusal(self, user_id: str, session_id: str | None) -> errors.DomainError | None:
        if not self._loaded:
            return RevocationsUnavailable("revocation list not loaded yet",
                                          message_zh="暂时无法核实会话状态，请稍后重试")
        state = self._users.get(user_id)
        if state is not None:
            return user_frozen_error() if state == FROZEN else user_left_error()
        if session_id:
            expires = self._sessions.get(session_id)
            if expires is not None and expires > time.time():
                return session_revoked_error()
        return None

    def check(self, caller: Caller) -> None:
        """kit.grpc_server's caller_check: raise if the caller's user or session is denied."""
        refusal = self.refusal(caller.user_id, caller.session_id)
        if refusal is not None:
            self._instruments.refused.labels(refusal.reason).inc()
            raise refusal

    def user_state(self, user_id: str) -> str | None:
        return self._users.get(user_id)

    def session_denied(self, session_id: str) -> bool:
        expires = self._sessions.get(session_id)
        return expires is not None and expires > time.time()

    # -- writes (RevocationSink) --------------------------------------------------------
    def replace(self, snapshot: Snapshot) -> None:
        users = {uid: FROZEN for uid in snapshot.frozen_user_ids}
        users.update({uid: LEFT for uid in snapshot.left_user_ids})
        now = time.time()
        sessions = {s.session_id: s.expires_at + SESSION_GRACE
                    for s in snapshot.revoked_sessions if s.expires_at + SESSION_GRACE > now}
        with self._lock:
            self._users, self._sessions = users, sessions
            self._loaded = True
        self._count()

    def user_frozen(self, user_id: str) -> None:
        with self._lock:
            if self._users.get(user_id) != LEFT:
                self._users[user_id] = FROZEN
        self._count()

    def user_unfrozen(self, user_id: str) -> None:
        with self._lock:
            if self._users.get(user_id) == FROZEN:
                del self._users[user_id]
        self._count()

    def user_left(self, user_id: str) -> None:
        with self._lock:
            self._users[user_id] = LEFT
        self._count()

    def session_revoked(self, session: RevokedSession) -> None:
        until = session.expires_at + SESSION_GRACE
        with self._lock:
            if until > self._sessions.get(session.session_id, 0.0):
                self._sessions[session.session_id] = until
        self._count()

    def purge(self, now: float | None = None) -> int:
        """Forget sessions whose tokens have all expired; return how many."""
        now = time.time() if now is None else now
        with self._lock:
            stale = [sid for sid, until in self._sessions.items() if until <= now]
            for sid in stale:
                del self._sessions[sid]
        self._count()
        return len(stale)

    def _count(self) -> None:
        self._instruments.entries.labels("users").set(len(self._users))
        self._instruments.entries.labels("sessions").set(len(self._sessions))


# -- events -> sinks --------------------------------------------------------------------------
def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).timestamp()


def apply_event(envelope: Envelope, sinks: Iterable[RevocationSink]) -> bool:
    """Apply one identity event to every sink; False if it is not a revocation event."""
    data = envelope.data
    user_id = str(data.get("user_id") or "")
    if not user_id:
        return False
    if envelope.type == USER_FROZEN:
        action: Callable[[RevocationSink], None] = lambda sink: sink.user_frozen(user_id)  # noqa: E731
    elif envelope.type == USER_UNFROZEN:
        action = lambda sink: sink.user_unfrozen(user_id)  # noqa: E731
    elif envelope.type == USER_LEFT:
        action = lambda sink: sink.user_left(user_id)  # noqa: E731
    elif envelope.type == SESSION_REVOKED and data.get("session_id"):
        expires = _epoch(data.get("expires_at"))
        if expires is None:
            expires = (_epoch(data.get("revoked_at")) or time.time()) + DEFAULT_SESSION_TTL
        session = RevokedSession(str(data["session_id"]), user_id, expires)
        action = lambda sink: sink.session_revoked(session)  # noqa: E731
    else:
        return False
    for sink in sinks:
        action(sink)
    return True


# -- the follower ---------------------------------------------------------------------------
class RevocationFollower:
    """Feeds `sinks` from identity: a snapshot on every (re)connect, then the events."""

    def __init__(self, amqp_uri: str, fetch: Callable[[], Snapshot],
                 sinks: Sequence[RevocationSink], *, part: str,
                 exchange: str = IDENTITY_EXCHANGE, reconnect_max_seconds: float = 10.0,
                 purge_interval_seconds: float = 60.0) -> None:
        self._uri = amqp_uri
        self._fetch = fetch
        self.sinks = list(sinks)
        self._part = part
        self._exchange = exchange
        self._reconnect_max = reconnect_max_seconds
        self._purge_interval = purge_interval_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._health: tuple[object, tuple[str, ...]] | None = None
        self._instruments = _Instruments.for_part(part)
        self.connection_name = f"educrm-revocations-{part}-{uuid.uuid4().hex[:8]}"
        self.connected = False
        self.syncs = 0
        self.events_applied = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> RevocationFollower:
        self._thread = threading.Thread(target=self._run, name=f"{self._part}-revocations",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def attach_health(self, server) -> None:
        """Make a kit GrpcServer's health say NOT_SERVING until the first snapshot, and
        report the broker connection as the `educrm.revocations` health service."""
        self._health = (server.health, ("", *server.service_names))
        self._report_health()

    def _report_health(self) -> None:
        if self._health is None:
            return
        from grpc_health.v1 import health_pb2

        servicer, names = self._health
        serving, not_serving = (health_pb2.HealthCheckResponse.SERVING,
                                health_pb2.HealthCheckResponse.NOT_SERVING)
        loaded = self.syncs > 0 or all(getattr(s, "loaded", True) for s in self.sinks)
        for name in names:
            servicer.set(name, serving if loaded else not_serving)
        servicer.set(HEALTH_SERVICE, serving if self.connected else not_serving)

    # -- the thread ---------------------------------------------------------------------
    def _run(self) -> None:
        delay = 0.2
        while not self._stopping.is_set():
            try:
                self._follow()
                delay = 0.2
            except Exception as error:  # noqa: BLE001 - the follower outlives every failure
                log.warning("revocation follower: %s; reconnecting in %.1f s",
                            _describe(error), delay)
            finally:
                self._set_connected(False)
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self._reconnect_max)

    def _follow(self) -> None:
        import pika

        params = pika.URLParameters(self._uri)
        params.client_properties = {"connection_name": self.connection_name}
        params.heartbeat = 30
        params.blocked_connection_timeout = 30
        params.connection_attempts = 1
        params.socket_timeout = 5
        connection = pika.BlockingConnection(params)
        try:
            channel = connection.channel()
            channel.exchange_declare(self._exchange, exchange_type="topic", durable=True)
            queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
            for event_type in EVENT_TYPES:
                channel.queue_bind(queue, self._exchange, routing_key=event_type)
            # Bound first, read second: nothing published from now on can be missed.
            for sink in self.sinks:
                before = getattr(sink, "before_snapshot", None)
                if before is not None:
                    before()
            snapshot = self._fetch()
            for sink in self.sinks:
                sink.replace(snapshot)
            self.syncs += 1
            self._instruments.syncs.inc()
            self._instruments.last_sync.set(time.time())
            log.info("revocation list rebuilt from identity", extra={
                "frozen": len(snapshot.frozen_user_ids), "left": len(snapshot.left_user_ids),
                "sessions": len(snapshot.revoked_sessions)})
            channel.basic_consume(queue, self._on_message, auto_ack=True)
            self._set_connected(True)
            next_purge = time.monotonic() + self._purge_interval
            while not self._stopping.is_set():
                connection.process_data_events(time_limit=0.2)
                if time.monotonic() >= next_purge:
                    next_purge = time.monotonic() + self._purge_interval
                    for sink in self.sinks:
                        purge = getattr(sink, "purge", None)
                        if purge is not None:
                            purge()
        finally:
            try:
                if connection.is_open:
                    connection.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail
                pass

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        try:
            events = parse_events(body)
        except EnvelopeError as error:
            log.warning("revocation follower: unreadable message dropped: %s", error)
            return
        for envelope in events:
            if apply_event(envelope, self.sinks):
                self.events_applied += 1
                self._instruments.events.labels(envelope.type).inc()

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self._instruments.connected.set(1 if connected else 0)
        self._report_health()


def _describe(error: BaseException) -> str:
    code = getattr(error, "code", None)
    if isinstance(error, grpc.RpcError) and callable(code):
        return f"identity unavailable ({code().name})"
    return repr(error)


# -- identity's ListRevocations, read without identity's generated stubs ---------------------
LIST_REVOCATIONS_METHOD = "/crm.identity.v1.IdentityService/ListRevocations"


def _response_class():
    """A message class wire-compatible with crm.identity.v1.ListRevocationsResponse, built in
    a private descriptor pool (kit depends on no service's stubs; a contract test checks the
    two agree)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

    field = descriptor_pb2.FieldDescriptorProto
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    file = descriptor_pb2.FileDescriptorProto(
        name="kit/revocations_wire.proto", package="kit.revocations_wire", syntax="proto3",
        dependency=["google/protobuf/timestamp.proto"])
    session = file.message_type.add(name="RevokedSession")
    for number, name, kind in ((1, "session_id", field.TYPE_STRING),
                               (2, "user_id", field.TYPE_STRING),
                               (3, "revoked_at", field.TYPE_MESSAGE),
                               (4, "expires_at", field.TYPE_MESSAGE)):
        session.field.add(name=name, number=number, type=kind, label=field.LABEL_OPTIONAL,
                          type_name=".google.protobuf.Timestamp"
                          if kind == field.TYPE_MESSAGE else None)
    response = file.message_type.add(name="ListRevocationsResponse")
    response.field.add(name="frozen_user_ids", number=1, type=field.TYPE_STRING,
                       label=field.LABEL_REPEATED)
    response.field.add(name="left_user_ids", number=2, type=field.TYPE_STRING,
                       label=field.LABEL_REPEATED)
    response.field.add(name="revoked_sessions", number=3, type=field.TYPE_MESSAGE,
                       label=field.LABEL_REPEATED,
                       type_name=".kit.revocations_wire.RevokedSession")
    pool.Add(file)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName("kit.revocations_wire.ListRevocationsResponse"))


_RESPONSE_CLASS = None


def parse_list_revocations(data: bytes) -> Snapshot:
    global _RESPONSE_CLASS
    if _RESPONSE_CLASS is None:
        _RESPONSE_CLASS = _response_class()
    message = _RESPONSE_CLASS.FromString(data)
    return Snapshot(
        frozen_user_ids=frozenset(message.frozen_user_ids),
        left_user_ids=frozenset(message.left_user_ids),
        revoked_sessions=tuple(
            RevokedSession(s.session_id, s.user_id,
                           s.expires_at.seconds + s.expires_at.nanos / 1e9
                           if s.HasField("expires_at") else time.time() + DEFAULT_SESSION_TTL)
            for s in message.revoked_sessions))


def identity_snapshot_fetcher(channel: grpc.Channel, internal_token: str, *,
                              timeout: float = 10.0) -> Callable[[], Snapshot]:
    """`fetch` for a follower: identity's ListRevocations, called as a system caller."""
    from google.protobuf import empty_pb2

    from .internal_auth import INTERNAL_TOKEN_METADATA

    call = channel.unary_unary(LIST_REVOCATIONS_METHOD,
                               request_serializer=empty_pb2.Empty.SerializeToString,
                               response_deserializer=parse_list_revocations)

    def fetch() -> Snapshot:
        return call(empty_pb2.Empty(), timeout=timeout,
                    metadata=((INTERNAL_TOKEN_METADATA, internal_token),))
    return fetch


@dataclasses.dataclass
class Revocations:
    """A service api's deny list and its follower, wired together."""
    deny_list: DenyList
    follower: RevocationFollower

    @property
    def check(self) -> Callable[[Caller], None]:
        return self.deny_list.check

    def start(self) -> Revocations:
        self.follower.start()
        return self

    def stop(self) -> None:
        self.follower.stop()


def follow_identity(*, part: str, amqp_uri: str, identity: str | grpc.Channel,
                    internal_token: str, extra_sinks: Sequence[RevocationSink] = ()) -> Revocations:
    """The deny list of a service api process, fed from identity (not started yet)."""
    from .grpc_client import channel as make_channel

    ch = make_channel(identity) if isinstance(identity, str) else identity
    deny_list = DenyList(part)
    follower = RevocationFollower(amqp_uri, identity_snapshot_fetcher(ch, internal_token),
                                  [deny_list, *extra_sinks], part=part)
    return Revocations(deny_list, follower)
