"""The one declarative base of the leads database, shared by every area's models module, and
the kit's tables (outbox, inbox, idempotency records) in it."""
from __future__ import annotations

import datetime as dt
import uuid

from kit.db import make_base
from kit.events import inbox_table, outbox_table
from kit.idempotency import idempotency_table

Base = make_base()
# kit's transactional outbox and consumer inbox live in our database, in our migrations
OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
# Results of state-changing RPCs by idempotency key (kit.idempotency.run_once).
IDEMPOTENCY = idempotency_table(Base.metadata)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
