"""The Ed25519 keys that sign access tokens, and the JWKS that publishes their public halves.

The active key signs; retired keys stay in the JWKS during a rotation until every token they
signed has expired. `kid` is the RFC 7638 thumbprint of the public key, so it is stable and
needs no bookkeeping.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from kit import settings as kit_settings

DEV_KEY_FILE = "identity-signing.pem"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: Ed25519PublicKey) -> dict:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = _b64(raw)
    # RFC 7638: members in lexicographic order, no whitespace.
    thumbprint = _b64(hashlib.sha256(
        json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"),
                   sort_keys=True).encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": thumbprint, "alg": "EdDSA",
            "use": "sig"}


def _load_pem(path: Path):
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None)
    return serialization.load_pem_public_key(data)


def generate_key_file(path: Path) -> None:
    """Write a new Ed25519 private key (PKCS#8 PEM) with 0600 permissions, once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process won the race; use its key
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


class SigningKeys:
    def __init__(self, active: Ed25519PrivateKey, retired: list[Ed25519PublicKey] = ()) -> None:
        self.active = active
        self.active_jwk = public_jwk(active.public_key())
        jwks = [self.active_jwk]
        for key in retired:
            jwk = public_jwk(key)
            if jwk["kid"] not in {k["kid"] for k in jwks}:
                jwks.append(jwk)
        self._jwks = {"keys": jwks}

    @property
    def kid(self) -> str:
        return self.active_jwk["kid"]

    def jwks(self) -> dict:
        return self._jwks

    def jwks_json(self) -> str:
        return json.dumps(self._jwks, separators=(",", ":"))

    @classmethod
    def from_settings(cls, settings) -> SigningKeys:
        if settings.signing_key_path:
            path = Path(settings.signing_key_path)
        elif settings.is_production:
            raise RuntimeError("EDUCRM_IDENTITY_SIGNING_KEY_PATH is required in production")
        else:
            var_dir = Path(os.environ.get("EDUCRM_VAR_DIR", kit_settings.VAR_DIR))
            path = var_dir / "keys" / DEV_KEY_FILE
            if not path.exists():
                generate_key_file(path)
        active = _load_pem(path)
        if not isinstance(active, Ed25519PrivateKey):
            raise RuntimeError(f"{path} is not an Ed25519 private key")
        retired = []
        for extra in settings.verification_key_paths:
            key = _load_pem(Path(extra))
            retired.append(key.public_key() if isinstance(key, Ed25519PrivateKey) else key)
        return cls(active, retired)
