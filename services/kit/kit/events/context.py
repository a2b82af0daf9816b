"""Context of the event being handled, set by the consumer entrypoint for the handler's code."""
from __future__ import annotations

import contextvars

# The consumer (queue name `<service>.<handler>`) handling the current event; the inbox
# records processed event ids under it.
current_consumer: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "educrm_current_consumer", default=None)
