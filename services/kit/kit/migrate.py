"""`educrm-migrate <service> [--url URL] [revision]`: Alembic upgrade for one service.

Each service keeps one Alembic history in `services/<svc>/migrations/` whose env.py is three
lines calling `run_env` below. The version table is per service (`alembic_version_<svc>`) so
services can even share one PostgreSQL database during development without clashing.
Migrations run only through this command (or a Kubernetes Job), never at import.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from .settings import REPO_ROOT


def migrations_dir(service: str) -> Path:
    """`services/<svc>/migrations`, found through the installed package (editable installs)."""
    try:
        package = importlib.import_module(service)
        candidate = Path(package.__file__).resolve().parent.parent / "migrations"
        if candidate.is_dir():
            return candidate
    except ImportError:
        pass
    candidate = REPO_ROOT / "services" / service / "migrations"
    if not candidate.is_dir():
        raise SystemExit(f"no migrations for service {service!r} ({candidate})")
    return candidate


def alembic_config(service: str, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(service)))
    config.set_main_option("educrm_service", service)
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(service: str, url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def downgrade(service: str, url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, url), revision)


def run_env(metadata: MetaData, default_url: Callable[[], str]) -> None:
    """The body of every service's migrations/env.py (called by Alembic, not at import)."""
    from alembic import context

    from .db import create_db_engine

    config = context.config
    service = config.get_main_option("educrm_service") or "service"
    url = config.get_main_option("sqlalchemy.url") or default_url()
    options = dict(
        target_metadata=metadata,
        version_table=f"alembic_version_{service}",
        # SQLite cannot ALTER most things: batch mode rebuilds tables instead.
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
    )
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="educrm-migrate",
                                     description="Run Alembic migrations of one EduCRM service.")
    parser.add_argument("service", help="service name, e.g. identity")
    parser.add_argument("revision", nargs="?", default="head")
    parser.add_argument("--url", help="database URL (default: the service's settings)")
    parser.add_argument("--sql", action="store_true", help="print SQL instead of running it")
    parser.add_argument("--downgrade", action="store_true", help="downgrade to the revision")
    args = parser.parse_intermixed_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    config = alembic_config(args.service, args.url)
    if args.downgrade:
        command.downgrade(config, args.revision, sql=args.sql)
    else:
        command.upgrade(config, args.revision, sql=args.sql)
    return 0


if __name__ == "__main__":
    sys.exit(main())
