"""The Ed25519 keys that sign access tokens, and the JWKS that publishes their public halves.

The active key signs; earlier keys stay in the JWKS during a rotation until every token they
signed has expired, then are retired (removed). The operator's commands (`educrm-admin keys
rotate|retire|list`, key_admin.py) manage a key directory; docs/key-rotation.md has the
procedure. `kid` is the RFC 7638 thumbprint of the public key, so it is stable and
needs no bookkeeping.
"""
from __future__ import annotations

import base64
import dataclasses
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
        directory = key_directory(settings)
        if settings.signing_key_path:
            path = Path(settings.signing_key_path)
        elif directory is None:
            raise RuntimeError("EDUCRM_IDENTITY_SIGNING_KEY_PATH or "
                               "EDUCRM_IDENTITY_SIGNING_KEYS_DIR is required in production")
        else:
            path = directory / DEV_KEY_FILE
            if not path.exists():
                if settings.is_production:
                    raise RuntimeError(f"no signing key {path} (educrm-admin keys rotate "
                                       "creates one; production never generates keys itself)")
                generate_key_file(path)
        active = _load_pem(path)
        if not isinstance(active, Ed25519PrivateKey):
            raise RuntimeError(f"{path} is not an Ed25519 private key")
        extra = [Path(p) for p in settings.verification_key_paths]
        if directory is not None:
            extra += sorted(directory.glob(PUBLISHED_GLOB))
        retired = []
        for key_path in extra:
            key = _load_pem(key_path)
            retired.append(key.public_key() if isinstance(key, Ed25519PrivateKey) else key)
        return cls(active, retired)


# -- the key directory and its operator commands (docs/key-rotation.md) ------------------------
# <dir>/identity-signing.pem            the active private key: signs every new access token
# <dir>/identity-published-<kid>.pem    public keys of earlier signers, still in the JWKS so
#                                       the tokens they signed verify until they expire
PUBLISHED_PREFIX = "identity-published-"
PUBLISHED_GLOB = PUBLISHED_PREFIX + "*.pem"


def key_directory(settings) -> Path | None:
    """Where the key files live: the setting; in development var/keys/ unless a single key
    file is configured; None when only explicit key paths are used."""
    if settings.signing_keys_dir:
        return Path(settings.signing_keys_dir)
    if settings.signing_key_path or settings.is_production:
        return None
    return Path(os.environ.get("EDUCRM_VAR_DIR", kit_settings.VAR_DIR)) / "keys"


def kid_of(key) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public_jwk(public)["kid"]


def published_path(directory: Path, kid: str) -> Path:
    return directory / f"{PUBLISHED_PREFIX}{kid}.pem"


@dataclasses.dataclass(frozen=True)
class KeyDirectory:
    active_kid: str | None
    published_kids: tuple[str, ...]


def describe(directory: Path) -> KeyDirectory:
    active = directory / DEV_KEY_FILE
    kids = tuple(kid_of(_load_pem(p)) for p in sorted(directory.glob(PUBLISHED_GLOB)))
    return KeyDirectory(kid_of(_load_pem(active)) if active.exists() else None, kids)


def rotate(directory: Path) -> tuple[str, str | None]:
    """A new active key; the previous one stays published (its tokens keep verifying).
    Returns (new kid, previous kid)."""
    directory.mkdir(parents=True, exist_ok=True)
    active = directory / DEV_KEY_FILE
    previous = None
    if active.exists():
        old = _load_pem(active)
        if not isinstance(old, Ed25519PrivateKey):
            raise RuntimeError(f"{active} is not an Ed25519 private key")
        previous = kid_of(old)
        pem = old.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        _write_atomically(published_path(directory, previous), pem, 0o644)
    new = Ed25519PrivateKey.generate()
    _write_atomically(active, new.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), 0o600)
    return kid_of(new), previous


def retire(directory: Path, kid: str) -> None:
    """Stop publishing an earlier key: tokens it signed stop verifying everywhere within the
    verifiers' refresh interval (after identity reloads its keys)."""
    state = describe(directory)
    if kid == state.active_kid:
        raise ValueError(f"{kid} is the active key; rotate first")
    path = published_path(directory, kid)
    if not path.exists():
        known = ", ".join(state.published_kids) or "none"
        raise ValueError(f"{kid} is not a published key (published: {known})")
    path.unlink()


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
