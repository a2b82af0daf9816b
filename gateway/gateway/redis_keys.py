"""Names of the gateway's Redis keys (one place, so replicas and tests agree)."""
from __future__ import annotations

import hashlib


class RedisKeys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def frozen(self, user_id: str) -> str:
        return f"{self.prefix}frozen:{user_id}"

    def revoked_session(self, session_id: str) -> str:
        return f"{self.prefix}revoked:{session_id}"

    def user_rate(self, user_id: str) -> str:
        return f"{self.prefix}rl:user:{user_id}"

    def personal_reads(self, user_id: str) -> str:
        return f"{self.prefix}reads:{user_id}"

    @property
    def freeze_pending(self) -> str:
        return f"{self.prefix}freeze:pending"

    def login_account(self, username: str) -> str:
        # Hashed: Redis keys are not a place for personal data.
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return f"{self.prefix}rl:login:acct:{digest}"

    def login_address(self, address: str) -> str:
        return f"{self.prefix}rl:login:addr:{address}"

    def idempotency(self, user_id: str, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        return f"{self.prefix}idem:{user_id}:{digest}"
