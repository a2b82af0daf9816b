"""Access-token verification, shared by the gateway and every service.

Identity signs EdDSA (Ed25519) JWTs; verifiers hold only public keys (a JWKS). Everything an
attacker controls is checked: the algorithm is pinned (no `none`, no HMAC-with-public-key
confusion), `exp`, `iat`, `aud`, `iss` are required, and the header `typ` must say access
token so a refresh token can never pass as one.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt
from jwt import PyJWK

from .errors import Unauthenticated

ISSUER = "educrm-identity"
AUDIENCE = "educrm"
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068 JWT "typ", not a secret
ALGORITHMS = ["EdDSA"]

log = logging.getLogger("kit.access_token")


class KeySet:
    """Public keys by `kid`, loaded through `fetch` (identity's JWKS).

    Reloaded when it meets an unknown kid (a rotation: identity signs with a new key), at
    most once per `min_refresh_interval` seconds so that forged kids cannot make it hammer
    identity; and, with `max_age`, every `max_age` seconds, so a key identity retired stops
    verifying within minutes without a restart. A periodic reload that fails keeps the
    keys it has (identity briefly down must not refuse every token) and is retried after
    `min_refresh_interval`.
    """

    def __init__(self, fetch: Callable[[], str | Mapping], *, max_age: float | None = None,
                 min_refresh_interval: float = 0.0) -> None:
        self._fetch = fetch
        self._keys: dict[str, PyJWK] = {}
        self._lock = threading.Lock()
        self._max_age = max_age
        self._min_interval = min_refresh_interval
        self._loaded_at = float("-inf")
        self._last_unknown_reload = float("-inf")
        self.reloads = 0
        # Bumped on every (re)load: caches of verified tokens (VerifiedTokens) key on it, so
        # a key that leaves the set stops verifying the tokens it signed.
        self.generation = 0
        self._fingerprint: list[str] | None = None

    def _load(self) -> None:
        document = self._fetch()
        if isinstance(document, str):
            document = json.loads(document)
        keys = document.get("keys", [])
        fingerprint = sorted(json.dumps(k, sort_keys=True) for k in keys)
        if fingerprint != self._fingerprint:  # a reload that changed nothing keeps caches
            self._keys = {k["kid"]: PyJWK(k, algorithm="EdDSA") for k in keys}
            self._fingerprint = fingerprint
            self.generation += 1
        self._loaded_at = time.monotonic()
        self.reloads += 1

    def _reload_if_old(self, now: float) -> None:
        if not self._lock.acquire(blocking=False):
            return  # another thread is reloading; verify with the keys we have
        try:
            if now - self._loaded_at < self._max_age:
                return
            try:
                self._load()
            except Exception as error:  # noqa: BLE001 - keep the keys we have
                log.warning("signing keys not reloaded (%r); keeping %d known keys",
                            error, len(self._keys))
                self._loaded_at = now - self._max_age + max(self._min_interval, 1.0)
        finally:
            self._lock.release()

    def refresh_if_stale(self) -> float:
        """Re-read the set if it is older than `max_age` (a cheap clock check otherwise).
        Callers that skip `get` for tokens they verified before (VerifiedTokens) call this so
        that a retired key still stops verifying on time. Returns the monotonic now."""
        now = time.monotonic()
        if self._max_age is not None and self._keys and now - self._loaded_at >= self._max_age:
            self._reload_if_old(now)
        return now

    def get(self, kid: str | None) -> PyJWK:
        now = self.refresh_if_stale()
        if kid not in self._keys:
            with self._lock:
                if kid not in self._keys and (
                        not self._keys or now - self._last_unknown_reload >= self._min_interval):
                    if self._keys:  # the first load is not a reload for an unknown kid
                        self._last_unknown_reload = now
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
        raise _expired() from None
    except jwt.PyJWTError:
        raise Unauthenticated("invalid access token", reason="token.invalid",
                              message_zh="访问令牌无效") from None


def _expired() -> Unauthenticated:
    return Unauthenticated("access token expired", reason="token.expired",
                           message_zh="访问令牌已过期")


class VerifiedTokens:
    """Tokens already verified against one KeySet (exact bytes, signature included) -> what
    `parse` made of their claims, so a token's Ed25519 check and claim parsing run once, not
    on every call that presents it.

    Nothing is trusted longer than the token itself: `exp` is re-checked on every hit (with
    the same leeway as verification), and a reload of the key set empties the cache. Only
    successes are kept; an invalid token is checked (and refused) every time. Thread-safe
    enough for the grpcio thread pool: dict reads and writes are atomic, and the worst race
    verifies a token twice.
    """

    def __init__(self, keys: KeySet, parse: Callable[[dict[str, Any]], Any] = lambda c: c, *,
                 leeway: int = 5, max_size: int = 20_000,
                 clock: Callable[[], float] = time.time) -> None:
        self.keys = keys
        self._parse = parse
        self._leeway = leeway
        self._clock = clock
        self._max_size = max_size
        self._verified: dict[str, tuple[float, Any]] = {}
        self._generation = keys.generation

    def get(self, token: str) -> Any:
        """`parse(claims)` of a valid access token, or raise Unauthenticated."""
        self.keys.refresh_if_stale()
        if self._generation != self.keys.generation:
            self._verified = {}
            self._generation = self.keys.generation
        hit = self._verified.get(token)
        if hit is not None:
            if hit[0] + self._leeway > self._clock():
                return hit[1]
            self._verified.pop(token, None)
            raise _expired()
        generation = self.keys.generation
        claims = verify_access_token(token, self.keys, leeway=self._leeway)
        if generation != self.keys.generation:
            # The set was (re)loaded meanwhile (its first use, a rotation): what is cached must
            # have been verified against the set as it is now.
            generation = self.keys.generation
            claims = verify_access_token(token, self.keys, leeway=self._leeway)
        parsed = self._parse(claims)
        if generation == self.keys.generation:
            if self._generation != generation or len(self._verified) >= self._max_size:
                self._verified = {}
                self._generation = generation
            self._verified[token] = (float(claims["exp"]), parsed)
        return parsed
