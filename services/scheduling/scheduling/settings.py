"""Scheduling settings (kit.settings: defaults here, then EDUCRM_CONFIG YAML, then the
environment, `EDUCRM_SCHEDULING_<FIELD>` before `EDUCRM_<FIELD>`)."""
from __future__ import annotations

import dataclasses

from kit import settings as kit_settings

SERVICE = "scheduling"


@dataclasses.dataclass(frozen=True)
class SchedulingSettings:
    env: str = "development"
    database_url: str = dataclasses.field(default_factory=lambda: kit_settings.sqlite_url(SERVICE))
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50055
    metrics_port: int = 9105
    worker_metrics_port: int = 9205
    identity_address: str = "127.0.0.1:50051"  # for the access-token verification keys
    time_zone: str = "Asia/Shanghai"
    # Solving: background jobs in the api process.
    solve_workers: int = 2
    solve_time_limit_seconds: int = 30
    repair_time_limit_seconds: int = 10
    # Reminders: minutes before a session's start; one event per (session, offset).
    reminder_offsets_minutes: tuple[int, ...] = (1440, 60)
    reminder_interval_seconds: float = 60.0  # the worker's timer (read at container setup)
    # How far ahead (days) the reminder timer looks for sessions.
    reminder_horizon_days: int = 2
    # Who may manage the timetable.
    staff_roles: tuple[str, ...] = ("admin", "general_manager", "director",
                                    "department_manager")

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        # the environment yields strings ("1440,60"); YAML and code yield ints
        return tuple(sorted({int(v) for v in self.reminder_offsets_minutes}, reverse=True))

    @property
    def production(self) -> bool:
        return self.env == "production"


def load(environ=None) -> SchedulingSettings:
    return kit_settings.load(SchedulingSettings, SERVICE, environ)
