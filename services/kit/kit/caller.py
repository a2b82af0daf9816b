"""Who is calling: the identity a request carries from the gateway into every service.

The gateway forwards the caller's verified access token (`authorization` metadata) and a
correlation id. Services verify the token themselves (defence in depth) and build a
`Caller`, which their queries use to enforce data scope.
"""
from __future__ import annotations

import contextvars
import dataclasses
import enum
from collections.abc import Iterable, Mapping

AUTHORIZATION = "authorization"
CORRELATION_ID = "x-correlation-id"
IDEMPOTENCY_KEY = "idempotency-key"
CLIENT_ADDRESS = "x-client-address"


class DataScope(str, enum.Enum):
    """What rows of customer data a caller may see (数据权限). Ordered from narrow to wide."""

    OWN = "own"
    CURRENT_TERM = "current_term"
    DEPARTMENT = "department"
    REGION = "region"
    ALL = "all"


@dataclasses.dataclass(frozen=True)
class Caller:
    user_id: str
    username: str
    roles: tuple[str, ...]
    org_unit_id: str | None
    department_id: str | None
    region_id: str | None
    data_scope: DataScope
    session_id: str | None = None
    rights: tuple[str, ...] = ()

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def can(self, right: str) -> bool:
        return right in self.rights

    @classmethod
    def from_claims(cls, claims: Mapping) -> Caller:
        return cls(
            user_id=str(claims["sub"]),
            username=str(claims.get("name", "")),
            roles=tuple(claims.get("roles", ())),
            org_unit_id=claims.get("org"),
            department_id=claims.get("dept"),
            region_id=claims.get("region"),
            data_scope=DataScope(claims.get("scope", DataScope.OWN.value)),
            session_id=claims.get("sid"),
            rights=tuple(claims.get("rights", ())),
        )


def metadata_value(metadata: Iterable[tuple[str, str | bytes]] | None, key: str) -> str | None:
    for k, v in metadata or ():
        if k == key:
            return v.decode() if isinstance(v, bytes) else v
    return None


# The correlation id of the work in hand: set by gRPC interceptors and event consumers,
# read by the log formatter and copied into outgoing calls and events.
correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "educrm_correlation_id", default=None)
