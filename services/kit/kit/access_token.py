"""Access-token verification, shared by the gateway and every service.

Identity signs EdDSA (Ed25519) JWTs; verifiers hold only public keys (a JWKS). Everything an
attacker controls is checked: the algorithm is pinned (no `none`, no HMAC-with-public-key
confusion), `exp`, `iat`, `aud`, `iss` are required, and the header `typ` must say access
token so a refresh token can never pass as one.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import jwt
from jwt import PyJWK

from .errors import Unauthenticated

ISSUER = "educrm-identity"
AUDIENCE = "educrm"
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068 JWT "typ", not a secret
ALGORITHMS = ["EdDSA"]


class KeySet:
    """Public keys by `kid`; reloads through `fetch` when it meets an unknown kid (rotation)."""

    def __init__(self, fetch: Callable[[], str | Mapping]) -> None:
        self._fetch = fetch
        self._keys: dict[str, PyJWK] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        document = self._fetch()
        if isinstance(document, str):
            document = json.loads(document)
        self._keys = {k["kid"]: PyJWK(k, algorithm="EdDSA") for k in document.get("keys", [])}

    def get(self, kid: str | None) -> PyJWK:
        if kid not in self._keys:
            with self._lock:
                if kid not in self._keys:
                    self._load()
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthenticated("unknown signing key", reason="token.invalid",
                                  message_zh="令牌签名密钥未知") from None


def verify_access_token(token: str, keys: KeySet, *, leeway: int = 5) -> dict[str, Any]:
    """Return the claims of a valid access token, or raise Unauthenticated."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALGORITHMS:
            raise jwt.InvalidAlgorithmError("algorithm not allowed")
        if header.get("typ") != ACCESS_TOKEN_TYPE:
            raise jwt.InvalidTokenError("not an access token")
        key = keys.get(header.get("kid"))
        return jwt.decode(
            token, key.key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=ISSUER,
            leeway=leeway, options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("access token expired", reason="token.expired",
                              message_zh="访问令牌已过期") from None
    except jwt.PyJWTError:
        raise Unauthenticated("invalid access token", reason="token.invalid",
                              message_zh="访问令牌无效") from None
