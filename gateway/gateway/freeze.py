"""What follows an automatic freeze, and the admin freeze/unfreeze bookkeeping in Redis.

The gate script has already set the user's flag (so every token of theirs is refused on
every replica) and put the user in the "pending" set. Here the one request that tripped it
asks identity to record the freeze (`FreezeUser`, automatic, with the internal token), which
writes the audit record and publishes `crm.identity.user.frozen.v1` (the alert). If identity
cannot be reached the user stays in the pending set and a background sweeper on every replica
retries (FreezeUser is idempotent: `changed=false` the second time), so the alert is never
lost and the flag is never lifted by a failure.

Identity withholds an automatic freeze that would leave no active user able to unfreeze
(FailedPrecondition `user.freeze_withheld`; it still records and announces the alert). Then
the flag set here optimistically is lifted again, with the user's read windows, so the next
alert needs another limit's worth of records.
"""
from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from pathlib import Path

from contracts.identity import identity_pb2
from kit import caller as kit_caller
from redis.asyncio import Redis
from redis.exceptions import RedisError

from .identity_client import INTERNAL_TOKEN_METADATA, IdentityClient
from .metrics import GatewayMetrics
from .personal_reads import LIFT_WITHHELD_SCRIPT
from .problems import Problem
from .redis_keys import RedisKeys

log = logging.getLogger(__name__)

AUTO_FREEZE_REASON = "rate_limit.personal_data_reads"
# The problem reason of identity's `user.freeze_withheld`.
WITHHELD_REASON = "user-freeze-withheld"


class FreezeOutcome(enum.Enum):
    RECORDED = "recorded"    # identity froze the user (or had already)
    WITHHELD = "withheld"    # identity refused: nobody would be left to unfreeze; flag lifted
    PENDING = "pending"      # identity not reached: the flag stays, the sweeper retries


def resolve_internal_token(configured: str) -> str:
    """The shared gateway-to-service secret: setting, else kit's helper, else var/ file."""
    if configured:
        return configured
    try:  # kit.internal_auth is the identity engineer's; use it when it exists
        from kit import internal_auth  # type: ignore[attr-defined]

        for name in ("internal_token", "load_internal_token", "get_internal_token"):
            getter = getattr(internal_auth, name, None)
            if callable(getter):
                return str(getter())
    except ImportError:
        pass
    from kit.settings import VAR_DIR

    path = Path(VAR_DIR) / "internal-token"
    return path.read_text().strip() if path.exists() else ""


class Freezer:
    def __init__(self, redis: Redis, keys: RedisKeys, identity: IdentityClient,
                 metrics: GatewayMetrics, *, internal_token: str,
                 retry_interval: float = 5.0) -> None:
        self._redis = redis
        self._keys = keys
        self._identity = identity
        self._metrics = metrics
        self._internal_token = internal_token
        self._retry_interval = retry_interval
        self._lift_script = redis.register_script(LIFT_WITHHELD_SCRIPT)
        self._sweeper: asyncio.Task | None = None

    async def record_automatic_freeze(self, user_id: str, correlation_id: str,
                                      why: str) -> FreezeOutcome:
        """Ask identity to record the freeze (`why`: what was read too fast)."""
        self._metrics.freezes.inc()
        return await self._call_freeze(user_id, correlation_id, f"{AUTO_FREEZE_REASON}: {why}")

    async def _call_freeze(self, user_id: str, correlation_id: str,
                           reason: str = AUTO_FREEZE_REASON) -> FreezeOutcome:
        request = identity_pb2.FreezeUserRequest(user_id=user_id, reason=reason[:200],
                                                 automatic=True)
        metadata = ((INTERNAL_TOKEN_METADATA, self._internal_token),
                    (kit_caller.CORRELATION_ID, correlation_id))
        try:
            await self._identity.call("FreezeUser", request, metadata)
        except Problem as problem:
            if problem.reason == WITHHELD_REASON:
                log.warning("identity withheld the automatic freeze of user %s: nobody would "
                            "be left to unfreeze; lifting the flag", user_id)
                try:
                    await self._lift(user_id)
                except RedisError:  # still pending: the sweeper asks (and lifts) again
                    return FreezeOutcome.PENDING
                return FreezeOutcome.WITHHELD
            self._metrics.freeze_call_failures.inc()
            log.warning("FreezeUser for user %s failed (%s); will retry", user_id, problem.reason)
            return FreezeOutcome.PENDING
        with contextlib.suppress(RedisError):
            await self._redis.srem(self._keys.freeze_pending, user_id)
        return FreezeOutcome.RECORDED

    async def _lift(self, user_id: str) -> None:
        keys = self._keys
        await self._lift_script(
            keys=[keys.frozen(user_id), keys.freeze_pending, *keys.all_personal_reads(user_id)],
            args=[user_id])

    # --- admin actions -----------------------------------------------------------------

    async def is_flagged(self, user_id: str) -> bool:
        """The Redis freeze flag (an auto-freeze sets it before identity's events arrive)."""
        return bool(await self._redis.exists(self._keys.frozen(user_id)))

    async def set_flag(self, user_id: str) -> None:
        await self._redis.set(self._keys.frozen(user_id), "admin")

    async def clear(self, user_id: str) -> None:
        """After identity unfroze the user: lift the flag and forget their read window."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.frozen(user_id), *self._keys.all_personal_reads(user_id))
            pipe.srem(self._keys.freeze_pending, user_id)
            await pipe.execute()

    # --- retries -------------------------------------------------------------------------

    async def retry_pending_once(self) -> int:
        """Retry every pending FreezeUser; return how many are still pending."""
        pending = await self._redis.smembers(self._keys.freeze_pending)
        left = 0
        for raw in pending:
            user_id = raw.decode() if isinstance(raw, bytes) else raw
            if await self._call_freeze(user_id, "freeze-retry") == FreezeOutcome.PENDING:
                left += 1
        return left

    def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="freeze-sweeper")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._retry_interval)
            try:
                await self.retry_pending_once()
            except RedisError:
                log.warning("freeze sweeper: Redis unavailable")
            except Exception:  # noqa: BLE001 - the sweeper must outlive any one failure
                log.exception("freeze sweeper failed")
