"""Alembic environment of the enrollment database; run with `educrm-migrate enrollment`."""
from enrollment.models import Base
from enrollment.settings import load
from kit.migrate import run_env

run_env(Base.metadata, lambda: load().database_url)
