"""Alembic environment of the scheduling database; run with `educrm-migrate scheduling`."""
from kit.migrate import run_env
from scheduling.models import Base
from scheduling.settings import load

run_env(Base.metadata, lambda: load().database_url)
