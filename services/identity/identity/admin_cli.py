"""`educrm-admin`: operator commands, run where the services run (identity's settings and
database, e.g. `EDUCRM_IDENTITY_DATABASE_URL`), for what no user account can do.

    educrm-admin unfreeze USERNAME [--reason TEXT]
    educrm-admin keys list|rotate|retire KID      (docs/key-rotation.md)

`unfreeze` unfreezes anyone, the last administrator included. The audit record names the operator
(`operator:<os user>@<host>`) as the actor, and `crm.identity.user.unfrozen.v1` goes out
through the outbox like any unfreeze (the gateways lift their flag when they see it).
"""
from __future__ import annotations

import argparse
import getpass
import socket
import sys

from kit import errors as kit_errors
from kit.db import Database

from . import key_admin
from .settings import load_settings
from .users import Operator, unfreeze_as_operator

EXIT_OK, EXIT_USAGE, EXIT_REFUSED = 0, 2, 1


def _operator() -> Operator:
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's arbitrary uid)
        os_user = "unknown"
    return Operator(os_user=os_user, host=socket.gethostname())


def unfreeze(username: str, reason: str) -> int:
    settings = load_settings()
    db = Database(settings.database_url)
    try:
        change = unfreeze_as_operator(db, username, _operator(), reason=reason)
    except kit_errors.DomainError as error:
        print(f"educrm-admin: {username}: {error}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        db.engine.dispose()
    if change.changed:
        print(f"unfrozen: {change.user.username} ({change.user.id})")
    else:
        print(f"{change.user.username} is not frozen ({change.user.status}); nothing to do")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="educrm-admin",
                                     description=" ".join(__doc__.split("\n\n")[0].split()))
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("unfreeze", help="unfreeze a user (any user, audited)")
    command.add_argument("username")
    command.add_argument("--reason", default="", help="why (kept in the audit record)")
    key_admin.add_commands(commands)
    args = parser.parse_args(key_admin.protect_kid(sys.argv[1:] if argv is None else argv))
    if args.command == "unfreeze":
        return unfreeze(args.username, args.reason)
    if args.command == "keys":
        return key_admin.run(args)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
