"""Free text that people type (names, reasons, notes): refuse the characters no person
types and storage cannot keep. PostgreSQL refuses NUL in text (the request then failed as
a 500/502 deep inside a service); other control characters corrupt logs, exports and
screens; an unpaired surrogate cannot even be encoded as UTF-8.

The gateway's request schemas state the same rule as a pattern (gateway.schemas.Text), and
every service checks it again where it validates names and reasons, because other services
and branch systems call the gRPC APIs directly.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import InvalidArgument

# C0 controls (NUL included), DEL and the C1 controls: Unicode category Cc.
CONTROLS = "\\x00-\\x1f\\x7f-\\x9f"
# Multi-line text (notes, reasons) may hold tab, line feed and carriage return.
MULTILINE_CONTROLS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
SURROGATES = "\\ud800-\\udfff"  # in a Python str only when unpaired

# Patterns in the dialect both Python's re and JSON Schema (ECMA-262) read the same way; they
# leave surrogates out (a JSON Schema regex sees UTF-16 units, where a paired surrogate is
# a letter), which `refused_character` checks separately.
SINGLE_LINE_PATTERN = f"^[^{CONTROLS}]*$"
MULTILINE_PATTERN = f"^[^{MULTILINE_CONTROLS}]*$"

_SINGLE_LINE = re.compile(f"[{CONTROLS}{SURROGATES}]")
_MULTILINE = re.compile(f"[{MULTILINE_CONTROLS}{SURROGATES}]")


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that free text may not hold, or None."""
    found = (_MULTILINE if multiline else _SINGLE_LINE).search(value)
    return found.group() if found else None


def describe(char: str) -> str:
    """`U+0000`: how an error names a refused character without printing it."""
    return f"U+{ord(char):04X}"


def check_text(value: str, field: str, *, multiline: bool = False) -> str:
    """`value` unchanged, or INVALID_ARGUMENT `invalid.<field>` naming the first refused
    character (control characters; tab and line breaks are allowed when `multiline`)."""
    char = refused_character(value, multiline=multiline)
    if char is not None:
        raise InvalidArgument(
            f"{field}: control character {describe(char)} is not allowed in text",
            reason=f"invalid.{field}",
            message_zh=f"{field}：文本中不允许出现控制字符 {describe(char)}")
    return value


def nul_field(message: Any) -> str | None:
    """The path (`campus.name`) of the first string in a protobuf message holding NUL, or
    None. No service can keep NUL in PostgreSQL text, in an id no more than in a name, so
    the gRPC plumbing refuses such requests before any servicer looks them up."""
    for field, value in message.ListFields():
        found = _nul_in(value)
        if found is not None:
            return field.name + found
    return None


def _nul_in(value: Any) -> str | None:
    if isinstance(value, str):
        return "" if "\x00" in value else None
    if isinstance(value, bytes | int | float | bool):
        return None
    if hasattr(value, "ListFields"):
        found = nul_field(value)
        return None if found is None else "." + found
    if isinstance(value, Mapping):  # map<string, …> fields
        for key, item in value.items():
            if _nul_in(key) is not None:
                return ""
            found = _nul_in(item)
            if found is not None:
                return found
        return None
    for item in value:  # repeated fields
        found = _nul_in(item)
        if found is not None:
            return found
    return None


def check_message(message: Any) -> None:
    """INVALID_ARGUMENT `invalid.<field>` when a string anywhere in `message` holds NUL."""
    path = nul_field(message)
    if path is not None:
        raise InvalidArgument(f"{path}: NUL (U+0000) is not allowed in text",
                              reason=f"invalid.{path}",
                              message_zh=f"{path}：文本中不允许出现空字符 (U+0000)")
