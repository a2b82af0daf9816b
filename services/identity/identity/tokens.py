"""Access tokens (EdDSA JWT, RFC 9068 `at+jwt`) and opaque refresh tokens.

Access tokens carry everything a service needs to enforce data scope without calling
identity: roles, org unit, department, region, scope, rights, and the session id (`sid`, the
refresh-token family) so a logout or freeze can be honoured by whoever keeps a deny list.
Refresh tokens are random strings; only their SHA-256 is stored.
"""
from __future__ import annotations

import dataclasses
import hashlib
import secrets
import time
import uuid

import jwt
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER

from .keys import SigningKeys


@dataclasses.dataclass(frozen=True)
class Principal:
    """What an access token says about its subject."""

    user_id: str
    username: str
    roles: tuple[str, ...]
    org_unit_id: str | None
    department_id: str | None
    region_id: str | None
    data_scope: str
    rights: tuple[str, ...]


def access_token_claims(principal: Principal, *, session_id: str | None, ttl_seconds: int,
                        now: int | None = None) -> dict:
    issued = int(time.time()) if now is None else now
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": principal.user_id, "name": principal.username,
        "roles": list(principal.roles), "org": principal.org_unit_id,
        "dept": principal.department_id, "region": principal.region_id,
        "scope": principal.data_scope, "rights": list(principal.rights),
        "jti": uuid.uuid4().hex, "iat": issued, "exp": issued + ttl_seconds,
    }
    if session_id:
        claims["sid"] = session_id
    return claims


def sign_access_token(keys: SigningKeys, claims: dict) -> str:
    return jwt.encode(claims, keys.active, algorithm="EdDSA",
                      headers={"typ": ACCESS_TOKEN_TYPE, "kid": keys.kid})


def new_refresh_token() -> str:
    # 256 bits; the prefix makes leaked tokens recognisable by secret scanners.
    return "rt_" + secrets.token_urlsafe(32)


def hash_secret(value: str) -> str:
    """SHA-256 hex: fine for high-entropy random secrets (no need for a slow hash)."""
    return hashlib.sha256(value.encode()).hexdigest()
