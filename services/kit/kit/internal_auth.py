"""The shared internal token that marks gateway-to-service *system* calls.

Used for calls no user makes, e.g. the gateway's automatic rate-limit freeze. The token comes
from `EDUCRM_INTERNAL_TOKEN` (a Kubernetes Secret in production); in development it is
generated once into `var/internal-token` (0600) so every local process shares it.
"""
from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from . import settings

INTERNAL_TOKEN_METADATA = "x-educrm-internal-token"  # noqa: S105 - a header name
ENV_NAME = "EDUCRM_INTERNAL_TOKEN"


def token_path() -> Path:
    return Path(os.environ.get("EDUCRM_VAR_DIR", settings.VAR_DIR)) / "internal-token"


def load_internal_token(environ=None) -> str:
    """The token from the environment, else (outside production) from/into var/internal-token."""
    env = os.environ if environ is None else environ
    token = env.get(ENV_NAME, "").strip()
    if token:
        return token
    if env.get("EDUCRM_ENV", "development") == "production":
        raise RuntimeError(f"{ENV_NAME} must be set in production")
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start together exactly one creates the file.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def check_internal_token(presented: str | None, expected: str | None) -> bool:
    """Constant-time comparison; an empty expected token never matches."""
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())
