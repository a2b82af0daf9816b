"""Opaque cursor tokens for keyset pagination (base64url JSON of the last row's sort key)."""
from __future__ import annotations

import base64
import binascii
import json

from kit import errors

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size(requested: int) -> int:
    return DEFAULT_PAGE_SIZE if requested <= 0 else min(requested, MAX_PAGE_SIZE)


def encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def decode(token: str, length: int) -> list | None:
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != length:
        raise errors.InvalidArgument("invalid page token", reason="invalid.page_token",
                                     message_zh="分页令牌无效")
    return values
