"""Local deny lists of frozen users and revoked sessions, kept by every api process.

An access token stays valid for minutes after its user is frozen or logs out. Identity
announces those changes as events (user.frozen, user.unfrozen, user.left, session.revoked);
each api process keeps them in memory (`DenyList`) and its gRPC interceptor refuses a caller
on the list (`DenyList.check`, passed as kit.grpc_server's `caller_check`): a frozen user's
still-valid token is refused on direct gRPC within a second, for the price of a dict lookup.
kit.revocation_follower keeps the list current (a snapshot from identity, then the events).

Until its first snapshot the list fails closed (UNAVAILABLE, `auth.revocations_unavailable`),
as token verification does without identity's keys.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Iterable
from typing import Protocol

import grpc

from . import errors, metrics
from .caller import Caller
from .events.envelope import Envelope

IDENTITY_EXCHANGE = "identity.events"
USER_FROZEN = "crm.identity.user.frozen.v1"
USER_UNFROZEN = "crm.identity.user.unfrozen.v1"
USER_LEFT = "crm.identity.user.left.v1"
SESSION_REVOKED = "crm.identity.session.revoked.v1"
EVENT_TYPES = (USER_FROZEN, USER_UNFROZEN, USER_LEFT, SESSION_REVOKED)

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
class RevocationMetrics:
    refused: object
    entries: object
    events: object
    syncs: object
    connected: object
    last_sync: object

    @classmethod
    def for_part(cls, part: str) -> RevocationMetrics:
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

    def __init__(self, part: str) -> None:
        self._users: dict[str, str] = {}
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()
        self._loaded = False
        self._instruments = RevocationMetrics.for_part(part)

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


_USER_CHANGES = {USER_FROZEN: "user_frozen", USER_UNFROZEN: "user_unfrozen",
                 USER_LEFT: "user_left"}


def apply_event(envelope: Envelope, sinks: Iterable[RevocationSink]) -> bool:
    """Apply one identity event to every sink; False if it is not a revocation event."""
    data = envelope.data
    user_id = str(data.get("user_id") or "")
    if not user_id:
        return False
    change = _USER_CHANGES.get(envelope.type)
    if change is not None:
        for sink in sinks:
            getattr(sink, change)(user_id)
        return True
    if envelope.type != SESSION_REVOKED or not data.get("session_id"):
        return False
    expires = _epoch(data.get("expires_at"))
    if expires is None:
        expires = (_epoch(data.get("revoked_at")) or time.time()) + DEFAULT_SESSION_TTL
    session = RevokedSession(str(data["session_id"]), user_id, expires)
    for sink in sinks:
        sink.session_revoked(session)
    return True
