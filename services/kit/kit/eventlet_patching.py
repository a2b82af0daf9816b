"""Eventlet's monkey patching, done once, first thing in every nameko worker process.

Import this module before anything else in a worker's entry module (and in the eventlet test
session): nameko needs green sockets and locks, and objects created before patching (locks,
connection pools) break later. It imports nothing but eventlet (and the kit package's warning
filter), so it is safe to import first.
"""


def patch_once() -> None:
    import eventlet

    # A second patch walks every live lock and can trip over native objects loaded since.
    if not eventlet.patcher.is_monkey_patched("thread"):
        eventlet.monkey_patch()
