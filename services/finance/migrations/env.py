"""Alembic environment of the finance database; run with `educrm-migrate finance`."""
from finance.models import Base
from finance.settings import load
from kit.migrate import run_env

run_env(Base.metadata, lambda: load().database_url)
