"""The real identity api process (`python -m identity.api`) on a throw-away PostgreSQL
database seeded with fakes.directory, for the contract suite and for gateway tests that
run against the real service instead of the fake."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from identity.auth import AuthService
from identity.keys import SigningKeys, generate_key_file
from identity.passwords import Passwords
from identity.settings import IdentitySettings
from identity.users import NewUser, UserService
from kit import testing
from kit.db import Database
from kit.migrate import upgrade
from kit.testing import free_port as _free_port

from . import directory
from .identity import INTERNAL_TOKEN

# Low argon2 cost keeps logins cheap in tests (identity's own tests check the real cost).
_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1}


@dataclasses.dataclass
class RealIdentity:
    target: str
    user_ids: dict[str, str]  # username -> id
    org_unit_ids: dict[str, str]  # code -> id
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")




def _serving(target: str) -> bool:
    with grpc.insecure_channel(target) as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=1)
        except grpc.RpcError:
            return False
    return response.status == health_pb2.HealthCheckResponse.SERVING


def seed_directory(settings: IdentitySettings) -> tuple[dict[str, str], dict[str, str]]:
    """Create fakes.directory's org tree and accounts through identity's own services."""
    db = Database(settings.database_url)
    try:
        passwords = Passwords(time_cost=settings.argon2_time_cost,
                              memory_kib=settings.argon2_memory_kib,
                              parallelism=settings.argon2_parallelism)
        users = UserService(db, passwords, AuthService(db, settings,
                                                       SigningKeys.from_settings(settings),
                                                       passwords))
        units: dict[str, str] = {}
        for unit in directory.ORG_UNITS:
            units[unit.code] = users.create_org_unit(
                None, parent_id=units.get(unit.parent or "", ""), kind=unit.kind,
                name=unit.name, code=unit.code).id
        ids: dict[str, str] = {}
        for spec in directory.USERS:
            ids[spec.username] = users.create_user(None, NewUser(
                username=spec.username, display_name=spec.display_name,
                password=spec.password, email=spec.email, phone=spec.phone,
                roles=spec.roles, org_unit_id=units[spec.org_unit]), enforce_policy=False).id
            if spec.frozen:
                users.freeze(None, ids[spec.username], reason="seeded", automatic=True,
                             internal=True)
        return ids, units
    finally:
        db.dispose()


@contextlib.contextmanager
def running_identity(var_dir: Path) -> Iterator[RealIdentity]:
    """Migrate and seed a throw-away database, start identity's api process on a free port,
    wait until grpc.health says SERVING; stop it and drop the database afterwards."""
    with testing.postgres_database("educrm_gw_contract") as url:
        key = var_dir / "signing.pem"
        generate_key_file(key)
        upgrade("identity", url)
        settings = IdentitySettings(database_url=url, signing_key_path=str(key),
                                    internal_token=INTERNAL_TOKEN, **_ARGON2)
        user_ids, unit_ids = seed_directory(settings)
        target = f"127.0.0.1:{_free_port()}"
        env = {
            **os.environ, "EDUCRM_ENV": "development", "EDUCRM_VAR_DIR": str(var_dir),
            "EDUCRM_IDENTITY_DATABASE_URL": url, "EDUCRM_IDENTITY_GRPC_ADDRESS": target,
            "EDUCRM_IDENTITY_METRICS_PORT": str(_free_port()),
            "EDUCRM_IDENTITY_SIGNING_KEY_PATH": str(key),
            "EDUCRM_INTERNAL_TOKEN": INTERNAL_TOKEN,
            **{f"EDUCRM_IDENTITY_{name.upper()}": str(value) for name, value in _ARGON2.items()},
        }
        log_path = var_dir / "identity-api.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "identity.api"],  # noqa: S603
                                       env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        real = RealIdentity(target, user_ids, unit_ids, process, log_path)
        try:
            def ready() -> bool:
                if process.poll() is not None:
                    raise AssertionError(f"identity api exited early:\n{real.log()[-4000:]}")
                return _serving(target)

            testing.wait_for(ready, timeout=60, interval=0.1,
                             message="the identity api did not become ready")
            yield real
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(20)
