"""Settings: defaults in code, overridden by a YAML file, overridden by the environment.

Every service declares a frozen dataclass of its settings; `load(cls, prefix)` fills it.
Environment variables are `EDUCRM_<FIELD>` for shared fields and may be narrowed per service
(`EDUCRM_IDENTITY_DATABASE_URL` beats `EDUCRM_DATABASE_URL`), so one process environment can
carry the settings of several services (as `make run` and the tests do).
"""
from __future__ import annotations

import dataclasses
import os
import typing
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("EDUCRM_VAR_DIR", REPO_ROOT / "var"))


def _coerce(value: str, target: typing.Any):
    if target in (bool, "bool"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if target in (int, "int"):
        return int(value)
    if target in (float, "float"):
        return float(value)
    if target in (tuple, "tuple[str, ...]") or str(target).startswith("tuple"):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def load(cls, service: str | None = None, environ: typing.Mapping[str, str] | None = None):
    """Build `cls` (a dataclass) from defaults, then `EDUCRM_CONFIG` YAML, then environment."""
    env = os.environ if environ is None else environ
    values: dict[str, typing.Any] = {}
    config_file = env.get("EDUCRM_CONFIG")
    if config_file:
        document = yaml.safe_load(Path(config_file).read_text()) or {}
        values.update(document.get("common", {}) or {})
        if service:
            values.update(document.get(service, {}) or {})
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        names = [f"EDUCRM_{field.name.upper()}"]
        if service:
            names.insert(0, f"EDUCRM_{service.upper()}_{field.name.upper()}")
        for name in names:
            if name in env:
                values[field.name] = _coerce(env[name], hints[field.name])
                break
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in known})


def sqlite_url(service: str) -> str:
    """The single-machine default database of a service: a SQLite file under var/."""
    return f"sqlite:///{VAR_DIR / f'{service}.db'}"


@dataclasses.dataclass(frozen=True)
class BusSettings:
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    # Nameko's own config keys are built from these in kit.events.
    delivery_limit: int = 5
    prefetch_count: int = 10
    # A failed handler's message is requeued after base * 2**attempts seconds, capped.
    retry_backoff_seconds: float = 0.5
    retry_backoff_max_seconds: float = 30.0
    # The relay's poll when no local commit wakes it (other processes' commits).
    outbox_poll_interval_seconds: float = 0.05
    # An outbox row the broker refuses (or returns, though a consumer is catalogued) is
    # retried after base * 2**(attempts-1) seconds, capped, and parked after max attempts
    # (`educrm-bus outbox parked|replay`); its aggregate's later events wait behind it.
    outbox_max_attempts: int = 10
    outbox_retry_delay_seconds: float = 0.5
    outbox_retry_delay_max_seconds: float = 30.0
    # Housekeeping run by every worker's relay (kit.events.relay): published outbox rows and
    # inbox ids older than the retention are deleted (the inbox must outlive any redelivery,
    # so keep it well above the longest broker outage you plan for).
    bus_retention_seconds: float = 7 * 24 * 3600.0
    bus_purge_interval_seconds: float = 3600.0
    # How often the relay reads its service's dead-letter queue depths (passive declares).
    dead_letter_poll_interval_seconds: float = 30.0
    # On stop, how long a consumer waits for its handlers in flight before giving up on them.
    consumer_stop_timeout_seconds: float = 30.0
