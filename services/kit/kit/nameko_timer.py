"""A nameko timer whose interval comes from the service's settings.

nameko's own `Timer` takes its interval when the worker class is defined, i.e. from whatever
environment first imported the module (a test's, a tool's). This one reads the setting when
the container is set up, so the environment the worker runs in decides.

    @SettingsTimer.decorator(load, "reminder_interval_seconds")
    def send_reminders(self): ...
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nameko.timer import Timer


class SettingsTimer(Timer):
    def __init__(self, load_settings: Callable[[], Any], interval_setting: str,
                 **kwargs: Any) -> None:
        self.load_settings = load_settings
        self.interval_setting = interval_setting
        super().__init__(interval=None, **kwargs)

    def setup(self) -> None:
        self.interval = float(getattr(self.load_settings(), self.interval_setting))
        super().setup()
