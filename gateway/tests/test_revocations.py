"""The gateway's Redis copy of identity's revocation state (real Redis, a private key prefix)
and the periodic re-read of identity's key set."""
from __future__ import annotations

import json
import time
import uuid

import pytest
import redis
from gateway.keys import JwksCache
from gateway.personal_reads import DataKind
from gateway.redis_keys import RedisKeys
from gateway.revocations import RedisRevocations
from kit.revocations import RevokedSession, Snapshot

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def store():
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    prefix = f"test:revocations:{uuid.uuid4().hex[:8]}:"
    yield client, RedisKeys(prefix)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_rebuild_sets_identity_state_and_lifts_only_stale_flags(store):
    client, keys = store
    sink = RedisRevocations(redis.Redis.from_url(REDIS_URL), keys)
    client.set(keys.frozen("unfrozen-meanwhile"), "admin")
    client.set(keys.frozen("auto-pending"), "auto")
    client.sadd(keys.freeze_pending, "auto-pending")
    sink.before_snapshot()
    client.set(keys.frozen("frozen-after-the-read"), "auto")  # a freeze racing the rebuild
    sink.replace(Snapshot(frozenset({"frozen"}), frozenset({"gone"}),
                          (RevokedSession("s1", "u", time.time() + 600),
                           RevokedSession("s-old", "u", time.time() - 600))))

    assert client.get(keys.frozen("frozen")) == "identity"
    assert client.get(keys.frozen("gone")) == "left"
    assert client.get(keys.frozen("unfrozen-meanwhile")) is None
    assert client.get(keys.frozen("auto-pending")) == "auto"  # identity not told yet
    assert client.get(keys.frozen("frozen-after-the-read")) == "auto"
    assert 600 < client.ttl(keys.revoked_session("s1")) <= 660
    assert not client.exists(keys.revoked_session("s-old"))


def test_events_update_the_flags(store):
    client, keys = store
    sink = RedisRevocations(redis.Redis.from_url(REDIS_URL), keys)
    client.sadd(keys.freeze_pending, "u1")
    sink.user_frozen("u1")
    assert client.get(keys.frozen("u1")) == "identity"
    assert not client.sismember(keys.freeze_pending, "u1")  # identity has recorded it
    windows = keys.all_personal_reads("u1")  # the window and total of every kind
    for kind in DataKind:
        client.zadd(keys.personal_reads("u1", kind.value), {"1:r": 1})
        client.set(keys.personal_reads_total("u1", kind.value), 1)
    assert client.exists(*windows) == len(windows) == 2 * len(DataKind)
    sink.user_unfrozen("u1")
    assert client.exists(keys.frozen("u1"), *windows) == 0
    sink.user_left("u2")
    assert client.get(keys.frozen("u2")) == "left"
    sink.session_revoked(RevokedSession("s2", "u3", time.time() + 100))
    assert client.exists(keys.revoked_session("s2"))


async def _until(predicate, timeout: float = 10.0) -> None:
    import asyncio

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


@pytest.mark.anyio
async def test_jwks_cache_drops_a_retired_key_on_its_periodic_refresh():
    import jwt
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from jwt.algorithms import OKPAlgorithm
    from kit.access_token import ACCESS_TOKEN_TYPE

    def jwk(private, kid):
        document = json.loads(OKPAlgorithm.to_jwk(private.public_key()))
        document.update(kid=kid, alg="EdDSA", use="sig")
        return document

    key = Ed25519PrivateKey.generate()
    new = jwk(Ed25519PrivateKey.generate(), "k2")
    documents = [json.dumps({"keys": [jwk(key, "k1"), new]})]
    fetches = []

    async def fetch() -> str:
        fetches.append(1)
        return documents[-1]

    cache = JwksCache(fetch, min_refresh_interval=3600, max_age=0.02)
    await cache.refresh()
    generation = cache.generation
    token = jwt.encode({"sub": "u1"}, key, algorithm="EdDSA",
                       headers={"typ": ACCESS_TOKEN_TYPE, "kid": "k1"})
    assert (await cache.keyset_for(token)).get("k1") is not None
    cache.start()
    try:
        await _until(lambda: len(fetches) >= 4)  # periodic refreshes of an unchanged set
        assert cache.generation == generation  # unchanged: verified tokens stay cached
        documents.append(json.dumps({"keys": [new]}))  # identity retired k1
        await _until(lambda: cache.generation != generation)
        with pytest.raises(Exception, match="unknown signing key"):
            (await cache.keyset_for(token)).get("k1")
    finally:
        await cache.stop()
