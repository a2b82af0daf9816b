"""Keyset pagination with opaque page tokens, for every service's lists.

A page is read as `WHERE (k1, k2, …) > (last row's keys) ORDER BY k1, k2, … LIMIT n + 1`:
rows inserted or deleted between pages never shift the next page (no skipped or repeated
rows, unlike offsets), and every page costs one index range scan.

A token is base64url JSON of `[list name, last row's keys]` plus a checksum, so an edited,
truncated or foreign token (one list's token sent to another) is refused as INVALID_ARGUMENT.
The checksum is not a secret: a forged key only chooses where a page starts, and the query's
own conditions (data scope) still apply. The last key column must make the order total
(a primary key).
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, literal, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from . import errors

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_CHECKSUM = b"educrm.page-token.v1"  # a domain separator, not a secret (see above)

T = TypeVar("T")


def page_size(requested: int, *, default: int = DEFAULT_PAGE_SIZE,
              maximum: int = MAX_PAGE_SIZE) -> int:
    """The page size to use: the default for 0 (or less), at most `maximum`."""
    return default if requested <= 0 else min(requested, maximum)


def _invalid() -> errors.InvalidArgument:
    return errors.InvalidArgument("invalid page token", reason="invalid.page_token",
                                  message_zh="分页令牌无效")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=9, key=_CHECKSUM).digest()


def encode(values: list, *, list_name: str = "") -> str:
    payload = json.dumps([list_name, values], separators=(",", ":"),
                         ensure_ascii=False).encode()
    return f"{_b64(payload)}.{_b64(_digest(payload))}"


def decode(token: str, length: int, *, list_name: str = "") -> list | None:
    """The keys a token carries (None for no token); INVALID_ARGUMENT for anything else."""
    if not token:
        return None
    try:
        body, _, check = token.partition(".")
        payload = _unb64(body)
        if not hmac.compare_digest(_unb64(check), _digest(payload)):
            raise _invalid()
        name, values = json.loads(payload)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise _invalid() from None
    if name != list_name or not isinstance(values, list) or len(values) != length:
        raise _invalid()
    return values


def _to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _from_json(column: Any, value: Any) -> Any:
    """A token's key back as the column's Python type; a key of the wrong type is refused."""
    kind = column.type.python_type
    if kind is dt.datetime or kind is dt.date:
        if not isinstance(value, str):
            raise _invalid()
        try:
            return kind.fromisoformat(value)
        except ValueError:
            raise _invalid() from None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise _invalid()
    if kind is str and not isinstance(value, str):
        raise _invalid()
    return value


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_token: str  # "" on the last page


def _page_statement(stmt: Select, keys: Sequence[Any], token: str, size: int, list_name: str,
                    descending: bool) -> Select:
    after = decode(token, len(keys), list_name=list_name)
    if after is not None:
        bound = tuple_(*[literal(_from_json(k, v), k.type)
                         for k, v in zip(keys, after, strict=True)])
        stmt = stmt.where(tuple_(*keys) < bound if descending else tuple_(*keys) > bound)
    order = [k.desc() for k in keys] if descending else list(keys)
    return stmt.order_by(*order).limit(size + 1)


def _page(rows: list, keys: Sequence[Any], size: int, list_name: str) -> Page:
    if len(rows) <= size:
        return Page(rows, "")
    rows = rows[:size]
    last = rows[-1]
    return Page(rows, encode([_to_json(getattr(last, k.key)) for k in keys], list_name=list_name))


def keyset_page(session: Session, stmt: Select, keys: Sequence[Any], *, token: str, size: int,
                list_name: str, descending: bool = False) -> Page:
    """One page of `stmt` (a select of one ORM entity) ordered by `keys` (mapped columns of
    that entity, the last one unique), starting after the row `token` names. `descending`:
    every key from high to low (newest first); an index on the keys serves it backwards."""
    stmt = _page_statement(stmt, keys, token, size, list_name, descending)
    return _page(list(session.scalars(stmt)), keys, size, list_name)


def keyset_rows(connection: Connection | Session, stmt: Select, keys: Sequence[Any], *,
                token: str, size: int, list_name: str, descending: bool = False) -> Page:
    """`keyset_page` for a Core select of columns (rows, not ORM entities: cheaper on a hot
    list); `keys` are columns of the select, named as in its rows."""
    stmt = _page_statement(stmt, keys, token, size, list_name, descending)
    return _page(list(connection.execute(stmt).all()), keys, size, list_name)
