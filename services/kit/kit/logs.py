"""Structured JSON logs with the correlation id of the work in hand, and masking helpers.

Personal data (phones, ID-card numbers) must never reach a log line in full: call `mask_phone`
/ `mask_id_number` before logging, and never log request bodies.
"""
from __future__ import annotations

import logging
import os
import re
import sys

from pythonjsonlogger.json import JsonFormatter

from .caller import correlation_id

_configured_part: str | None = None


class ContextFilter(logging.Filter):
    """Adds `correlation_id` (from the contextvar) and `part` to every record."""

    def __init__(self, part: str) -> None:
        super().__init__()
        self.part = part

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "correlation_id", None):
            record.correlation_id = correlation_id.get()
        record.part = self.part
        return True


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(part)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,  # zh-CN messages stay readable
    )


def configure_logging(part: str, level: str | int | None = None) -> None:
    """JSON lines on stderr for the whole process; idempotent."""
    global _configured_part
    root = logging.getLogger()
    level = level or os.environ.get("EDUCRM_LOG_LEVEL", "INFO")
    root.setLevel(level)
    if _configured_part is not None:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter(part))
    root.handlers[:] = [handler]
    _configured_part = part


_DIGITS = re.compile(r"\d")


def mask_phone(phone: str | None) -> str:
    """`13812341234` → `138****1234`; short or odd values keep at most their last 2 digits."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 11:
        return f"{digits[-11:-8]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-2:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_id_number(value: str | None) -> str:
    """A Chinese ID-card number keeps its first 3 and last 2 characters: `110***********12`."""
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_username(value: str | None) -> str:
    """A username that failed to log in keeps its first 2 characters: `zh***` (it may be a
    mistyped password, and its length is not shown either)."""
    if not value:
        return ""
    return value.strip()[:2] + "***"


def mask_digits(text: str) -> str:
    """Blanket masking for free text: runs of 7+ digits (phones, ID numbers) keep 3+2."""
    return re.sub(r"\d{7,}[\dXx]?", lambda m: mask_id_number(m.group(0)), text)
