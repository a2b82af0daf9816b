"""Root test configuration.

nameko workers need eventlet's monkey patching, applied before anything else is imported;
grpcio servers and the asyncio gateway must never run patched. So the suite runs in two
pytest sessions (see the Makefile): `EDUCRM_TEST_EVENTLET=1 pytest -m eventlet` for tests that
host nameko containers in-process, and `pytest -m "not eventlet"` for everything else.
"""
import os

if os.environ.get("EDUCRM_TEST_EVENTLET") == "1":
    from kit.eventlet_patching import patch_once

    patch_once()

PATCHED = os.environ.get("EDUCRM_TEST_EVENTLET") == "1"


def pytest_collection_modifyitems(config, items):
    # A patched session runs only eventlet tests and vice versa (mixing them hangs grpcio):
    # the others are deselected here and run in the other session.
    kept, deselected = [], []
    for item in items:
        wants_eventlet = item.get_closest_marker("eventlet") is not None
        (kept if wants_eventlet == PATCHED else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
