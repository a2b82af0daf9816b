"""The gateway's copy of identity's revocation state: frozen users, revoked sessions.

The Redis freeze flags and revoked-session keys (redis_keys.py) that the request gate checks
are a cache of identity's state, not the only copy. kit.revocations' follower (a plain
thread: pika and a sync Redis client, off the event loop) keeps two sinks current:

- `RedisRevocations` writes identity's state into those keys: rebuilt from identity
  (ListRevocations) at start and on every reconnect, then kept by the user.frozen,
  user.unfrozen, user.left and session.revoked events. A restarted gateway therefore
  restores every flag an emptied Redis lost;
- an in-memory `DenyList` that `Authenticator` consults before the Redis gate, so a
  flushed or restarted Redis never lets a frozen user through this process, not even before
  the next rebuild.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from kit.grpc_client import channel as grpc_channel
from kit.revocation_follower import RevocationFollower, identity_snapshot_fetcher
from kit.revocations import DenyList, RevokedSession, Snapshot

from .redis_keys import RedisKeys
from .settings import GatewaySettings

log = logging.getLogger(__name__)

FLAG_FROZEN = "identity"  # the flag's value says who set it; the gate only checks existence
FLAG_LEFT = "left"


class RedisRevocations:
    """kit.revocations sink writing the gate's Redis keys (sync client: follower thread)."""

    def __init__(self, client: redis.Redis, keys: RedisKeys) -> None:
        self._redis = client
        self._keys = keys
        self._before: tuple[set[str], set[str]] = (set(), set())

    def before_snapshot(self) -> None:
        """What is flagged and pending BEFORE identity's state is read: only those flags may
        be lifted by `replace`; a flag set later (a new freeze) is left alone, and its event
        (queued meanwhile) settles it."""
        prefix = self._keys.frozen("")
        flagged = {k.decode()[len(prefix):]
                   for k in self._redis.scan_iter(match=prefix + "*", count=1000)}
        pending = {m.decode() for m in self._redis.smembers(self._keys.freeze_pending)}
        self._before = (flagged, pending)

    def replace(self, snapshot: Snapshot) -> None:
        keys = self._keys
        flagged, pending = self._before
        denied = snapshot.frozen_user_ids | snapshot.left_user_ids
        now = time.time()
        with self._redis.pipeline(transaction=False) as pipe:
            for user_id in snapshot.frozen_user_ids:
                pipe.set(keys.frozen(user_id), FLAG_FROZEN)
            for user_id in snapshot.left_user_ids:
                pipe.set(keys.frozen(user_id), FLAG_LEFT)
            for user_id in flagged - denied - pending:
                # Unfrozen while we were not listening (e.g. by an operator at identity).
                pipe.delete(keys.frozen(user_id))
            for session in snapshot.revoked_sessions:
                ttl = int(session.expires_at - now) + 60
                if ttl > 0:
                    pipe.set(keys.revoked_session(session.session_id), "1", ex=ttl)
            pipe.execute()

    def user_frozen(self, user_id: str) -> None:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.frozen(user_id), FLAG_FROZEN)
            pipe.srem(self._keys.freeze_pending, user_id)  # identity has recorded it
            pipe.execute()

    def user_unfrozen(self, user_id: str) -> None:
        # As the unfreeze route does (Freezer.clear): lift the flag, forget the read windows
        # of every kind of data.
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.frozen(user_id), *self._keys.all_personal_reads(user_id))
            pipe.srem(self._keys.freeze_pending, user_id)
            pipe.execute()

    def user_left(self, user_id: str) -> None:
        self._redis.set(self._keys.frozen(user_id), FLAG_LEFT)

    def session_revoked(self, session: RevokedSession) -> None:
        ttl = int(session.expires_at - time.time()) + 60
        if ttl > 0:
            self._redis.set(self._keys.revoked_session(session.session_id), "1", ex=ttl)


class GatewayRevocations:
    """The follower and the in-memory list of one gateway process."""

    def __init__(self, settings: GatewaySettings, internal_token: str,
                 fetch: Callable[[], Snapshot] | None = None) -> None:
        self.deny_list = DenyList("gateway")
        self._redis = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2.0,
                                           socket_timeout=5.0)
        self._channel = None
        if fetch is None:
            self._channel = grpc_channel(settings.identity_target)
            fetch = identity_snapshot_fetcher(self._channel, internal_token)
        self.redis_sink = RedisRevocations(self._redis, RedisKeys(settings.redis_prefix))
        self.follower = RevocationFollower(settings.amqp_uri, fetch,
                                           [self.deny_list, self.redis_sink], part="gateway")

    def start(self) -> None:
        self.follower.start()

    def stop(self) -> None:
        self.follower.stop()
        self._redis.close()
        if self._channel is not None:
            self._channel.close()
