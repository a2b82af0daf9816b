from __future__ import annotations

import io
import json
import logging
import os
import stat

import pytest
from kit import internal_auth, logs, metrics
from kit.caller import correlation_id


def test_mask_phone_and_id_number():
    assert logs.mask_phone("13812341234") == "138****1234"
    assert logs.mask_phone("+86 138-1234-1234") == "138****1234"
    assert logs.mask_phone("") == ""
    assert logs.mask_id_number("110101199003071234") == "110*************34"
    assert "1381234" not in logs.mask_digits("call 13812341234 now")


def test_json_log_carries_correlation_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.ContextFilter("kittest"))
    logger = logging.getLogger("kittest.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    token = correlation_id.set("cid-9")
    try:
        logger.info("登录成功", extra={"user_id": "u1"})
    finally:
        correlation_id.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["correlation_id"] == "cid-9" and line["part"] == "kittest"
    assert line["message"] == "登录成功" and line["user_id"] == "u1" and line["level"] == "INFO"


def test_metric_names():
    assert metrics.metric_name("identity", "logins", "total") == "educrm_identity_logins_total"
    with pytest.raises(ValueError):
        metrics.metric_name("Bad Part", "x")
    a = metrics.counter("kittest", "things", "doc")
    assert metrics.counter("kittest", "things", "doc") is a


def test_internal_token_generated_once_with_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUCRM_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("EDUCRM_INTERNAL_TOKEN", raising=False)
    first = internal_auth.load_internal_token()
    assert first == internal_auth.load_internal_token()
    mode = stat.S_IMODE(os.stat(tmp_path / "internal-token").st_mode)
    assert mode == 0o600
    assert internal_auth.check_internal_token(first, first)
    assert not internal_auth.check_internal_token("x" + first, first)
    assert not internal_auth.check_internal_token("", "")


def test_internal_token_from_env_and_required_in_production(monkeypatch):
    assert internal_auth.load_internal_token({"EDUCRM_INTERNAL_TOKEN": "abc"}) == "abc"
    with pytest.raises(RuntimeError):
        internal_auth.load_internal_token({"EDUCRM_ENV": "production"})


def test_bus_settings_from_environment():
    from kit.events.worker import nameko_config
    from kit.settings import BusSettings, load

    settings = load(BusSettings, "identity", {
        "EDUCRM_RETRY_BACKOFF_SECONDS": "0.2", "EDUCRM_IDENTITY_RETRY_BACKOFF_MAX_SECONDS": "4",
        "EDUCRM_OUTBOX_POLL_INTERVAL_SECONDS": "0.5", "EDUCRM_BUS_RETENTION_SECONDS": "86400"})
    assert (settings.retry_backoff_seconds, settings.retry_backoff_max_seconds,
            settings.outbox_poll_interval_seconds, settings.bus_retention_seconds) == \
        (0.2, 4.0, 0.5, 86400.0)
    config = nameko_config(settings)
    assert config["EDUCRM_RETRY_BACKOFF"] == 0.2 and config["EDUCRM_RETRY_BACKOFF_MAX"] == 4.0
    assert config["EDUCRM_OUTBOX_POLL_INTERVAL"] == 0.5
    assert config["EDUCRM_BUS_RETENTION"] == 86400.0
    assert BusSettings().bus_retention_seconds == 7 * 24 * 3600


def test_json_log_time_is_the_standard_asctime():
    # The formatter makes the time's text once per second: it must read as logging's own.
    formatter = logs.json_formatter()
    for created in (1_795_986_711.004, 1_795_986_711.999, 1_795_986_712.5, 1_700_000_000.0):
        record = logging.LogRecord("kittest", logging.INFO, __file__, 1, "m", (), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert formatter.formatTime(record) == logging.Formatter().formatTime(record)
        assert json.loads(formatter.format(record))["time"] == logging.Formatter().formatTime(
            record)
