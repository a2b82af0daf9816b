"""Names of the gateway's Redis keys (one place, so replicas and tests agree)."""
from __future__ import annotations

import hashlib

from .personal_reads import DataKind


class RedisKeys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def frozen(self, user_id: str) -> str:
        return f"{self.prefix}frozen:{user_id}"

    def revoked_session(self, session_id: str) -> str:
        return f"{self.prefix}revoked:{session_id}"

    def user_rate(self, user_id: str) -> str:
        return f"{self.prefix}rl:user:{user_id}"

    def personal_reads(self, user_id: str, kind: str) -> str:
        """The sliding window of personal records of one kind a user read."""
        return f"{self.prefix}reads:{user_id}:{kind}"

    def personal_reads_total(self, user_id: str, kind: str) -> str:
        return f"{self.prefix}reads:{user_id}:{kind}:total"

    def all_personal_reads(self, user_id: str) -> list[str]:
        return [key for kind in DataKind for key in (self.personal_reads(user_id, kind.value),
                self.personal_reads_total(user_id, kind.value))]

    @property
    def freeze_pending(self) -> str:
        return f"{self.prefix}freeze:pending"

    @staticmethod
    def _account_digest(username: str) -> str:
        # Hashed: Redis keys are not a place for personal data.
        return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]

    def login_account(self, username: str) -> str:
        """Failed logins of one account, from any address."""
        return f"{self.prefix}rl:login:acct:{self._account_digest(username)}"

    def login_account_address(self, username: str, address: str) -> str:
        """Failed logins of one account from one address."""
        return f"{self.prefix}rl:login:pair:{self._account_digest(username)}:{address}"

    def login_address(self, address: str) -> str:
        """Failed logins from one address, any accounts."""
        return f"{self.prefix}rl:login:addr:{address}"

    def idempotency(self, user_id: str, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        return f"{self.prefix}idem:{user_id}:{digest}"
