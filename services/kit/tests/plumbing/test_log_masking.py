"""Personal data never reaches a log line in full: kit.logs' formatter masks phones and ID-card
numbers anywhere in the line, and named personal fields; event validation errors never quote
the offending value."""
from __future__ import annotations

import io
import json
import logging

import pytest
from kit import logs
from kit.events import catalogue
from kit.events.catalogue import REGISTRY, EventValidationError

PHONE = "13912345678"
ID_NUMBER = "11010119900307123X"


def log_line(message: str, *args, exc: BaseException | None = None, **extra) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.ContextFilter("kittest"))
    logger = logging.getLogger("kittest.masking")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        if exc is not None:
            try:
                raise exc
            except BaseException:
                logger.exception(message, *args, extra=extra)
        else:
            logger.info(message, *args, extra=extra)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


@pytest.mark.parametrize("written, masked", [
    (PHONE, "139****5678"),
    ("+8613912345678", "139****5678"),
    ("+86 139 1234 5678", "139****5678"),
    ("139-1234-5678", "139****5678"),
    ("手机13912345678。", "手机139****5678。"),
    (ID_NUMBER, "110*************3X"),
    ("110101900307123", "110**********23"),   # the old 15-digit card
])
def test_formatter_masks_phones_and_id_numbers_anywhere(written, masked):
    line = log_line("contact %s", written, exc=ValueError(f"bad value {written!r}"),
                    detail=f"got {written}", nested={"value": written})
    record = json.loads(line)
    for field in ("message", "detail", "exc_info"):
        assert masked in record[field], (field, record[field])
    assert masked in json.dumps(record["nested"], ensure_ascii=False)
    assert written not in line


def test_identifiers_are_not_mistaken_for_phones():
    # a hex correlation id or a longer number that merely contains 11 digits stays intact
    cid = "ab13912345678cd0e1f2a3b4c5d6e7f8"
    line = json.loads(log_line("done", correlation_id=cid, count=139123456789012345678))
    assert line["correlation_id"] == cid and line["count"] == 139123456789012345678


def test_named_personal_fields_are_masked_whatever_their_shape():
    line = json.loads(log_line("login failed", attempted_username="zhang.wei",
                               phone="010-62751234", id_number="A1234567"))
    assert line["attempted_username"] == "zh***"
    assert line["phone"] == logs.mask_phone("010-62751234") != "010-62751234"
    assert line["id_number"] == "A12***67"
    # Neither the end nor the length of what was typed (it may be a mistyped password).
    assert logs.mask_username("ab") == logs.mask_username("abcdefgh") == "ab***"
    assert logs.mask_username("") == ""


def test_event_validation_errors_never_quote_the_value():
    example = dict(catalogue.get("crm.identity.user.frozen.v1").example)
    private = "Zhang-Wei-private-value"
    for field, value in (("automatic", private), ("frozen_by", private * 4),
                         ("user_id", 13912345678)):
        with pytest.raises(EventValidationError) as err:
            REGISTRY.validate_data("crm.identity.user.frozen.v1", {**example, field: value})
        message = str(err.value)
        assert field in message, message
        assert str(value) not in message, message
