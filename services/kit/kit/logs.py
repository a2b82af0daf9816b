"""Structured JSON logs with the correlation id of the work in hand, and masking helpers.

Personal data (phones, ID-card numbers, the usernames of failed logins) must never reach a
log line in full. Call `mask_phone` / `mask_id_number` / `mask_username` before logging and
never log request bodies; as a last line of defence the formatter masks, in the whole
formatted line (message, extra fields, tracebacks), every mainland mobile number and ID-card
number that stands alone (not inside a longer identifier), and the extra fields named in
`PERSONAL_FIELDS` whatever their shape.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import time

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


class MaskingJsonFormatter(JsonFormatter):
    """python-json-logger's formatter that masks personal data in what it produces.

    An api logs a line per call, so the line is cheap: one JSON encoder for every line, the
    time's text made once per second."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        cached = self._second
        if cached[0] != second:
            cached = self._second = (second, time.strftime(self.default_time_format,
                                                           self.converter(second)))
        return f"{cached[1]},{int(record.msecs):03d}"

    def jsonify_log_record(self, log_data) -> str:
        # python-json-logger makes a new encoder per line; one does (same output).
        encoder = self.__dict__.get("_encoder")
        if encoder is None:
            encoder = self._encoder = self.json_encoder(
                ensure_ascii=self.json_ensure_ascii, default=self.json_default,
                indent=self.json_indent)
        return encoder.encode(log_data)

    def process_log_record(self, log_record):
        for key, mask in PERSONAL_FIELDS.items():
            value = log_record.get(key)
            if isinstance(value, str) and value:
                log_record[key] = mask(value)
        return super().process_log_record(log_record)

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))


def json_formatter() -> JsonFormatter:
    return MaskingJsonFormatter(
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
    # The logging HOWTO's "Optimization": no line shows where a call came from, its thread
    # or process names, so records need not look them up (a stack walk per record).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
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


# Not inside a longer identifier (an id, a hex correlation id); Chinese text around is fine.
_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
# Mainland mobile numbers: 1[3-9]x xxxx xxxx, optionally +86 / 86 and spaces or dashes.
# (re.ASCII: ASCII digits only, and about twice as fast as Unicode \d on a log line.)
_PHONE = re.compile(_ALONE_BEFORE + r"(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})"
                    + _ALONE_AFTER, re.ASCII)
# Resident ID cards: 18 characters (the last may be X) or the old 15 digits.
_ID_NUMBER = re.compile(_ALONE_BEFORE + r"(\d{17}[\dXx]|\d{15})" + _ALONE_AFTER, re.ASCII)
# Both contain 8 digits in a row (a phone's last two groups may be split by one separator):
# one cheap search lets the lines without any (most of them) skip the two full scans.
_CANDIDATE = re.compile(r"\d{4}[ -]?\d{4}", re.ASCII)


def mask_personal_data(text: str) -> str:
    """Mask every stand-alone mobile phone and ID-card number in free text."""
    if _CANDIDATE.search(text) is None:
        return text
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


# Extra fields masked by the formatter whatever their value looks like.
PERSONAL_FIELDS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "attempted_username": mask_username,  # the username of a failed login
}


def mask_digits(text: str) -> str:
    """Blanket masking for free text: runs of 7+ digits (phones, ID numbers) keep 3+2."""
    return re.sub(r"\d{7,}[\dXx]?", lambda m: mask_id_number(m.group(0)), text)
