"""Alembic environment of the leads database; run with `educrm-migrate leads`."""
from kit.migrate import run_env
from leads.models import Base
from leads.settings import load

run_env(Base.metadata, lambda: load().database_url)
