"""`educrm-admin keys ...`: the operator's commands for identity's signing keys.

    educrm-admin keys list
    educrm-admin keys rotate          a new key signs; the previous one stays published
    educrm-admin keys retire KID      stop publishing an earlier key (its tokens stop verifying)

They manage identity's key directory (`EDUCRM_IDENTITY_SIGNING_KEYS_DIR`, in development
var/keys/; `--dir` overrides). Identity reads the directory when its api starts, so roll the
identity api processes after each command; the gateway and the services re-read identity's
key set on their own (docs/key-rotation.md). Standalone: `python -m identity.key_admin ...`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import keys
from .settings import load_settings

EXIT_OK, EXIT_REFUSED = 0, 1


def add_commands(commands) -> None:
    """Add `keys` to an argparse subparsers object (educrm-admin's)."""
    parser = commands.add_parser("keys", help="list, rotate or retire access-token signing keys")
    parser.add_argument("--dir", help="the key directory (default: identity's setting)")
    actions = parser.add_subparsers(dest="keys_command", required=True)
    actions.add_parser("list", help="the active key and the published earlier keys")
    actions.add_parser("rotate", help="a new key signs; the previous one stays published")
    retire = actions.add_parser("retire", help="stop publishing an earlier key")
    retire.add_argument("kid")


def protect_kid(argv: list[str]) -> list[str]:
    """A kid is an RFC 7638 thumbprint in base64url, so one in 64 starts with "-", which
    argparse would take for an option: mark the argument after `retire` as positional."""
    if "retire" not in argv or "--" in argv:
        return argv
    at = argv.index("retire") + 1
    if at < len(argv) and argv[at].startswith("-") and argv[at] not in ("-h", "--help"):
        return [*argv[:at], "--", *argv[at:]]
    return argv


def _directory(args) -> Path:
    if args.dir:
        return Path(args.dir)
    directory = keys.key_directory(load_settings())
    if directory is None:
        raise SystemExit("educrm-admin keys: identity uses explicit key files "
                         "(EDUCRM_IDENTITY_SIGNING_KEY_PATH); set "
                         "EDUCRM_IDENTITY_SIGNING_KEYS_DIR or pass --dir")
    return directory


def run(args) -> int:
    directory = _directory(args)
    if args.keys_command == "rotate":
        new, previous = keys.rotate(directory)
        print(f"active: {new}")
        if previous:
            print(f"published (retire after the access-token lifetime): {previous}")
        print("now restart the identity api processes")
        return EXIT_OK
    if args.keys_command == "retire":
        try:
            keys.retire(directory, args.kid)
        except ValueError as error:
            print(f"educrm-admin keys retire: {error}", file=sys.stderr)
            return EXIT_REFUSED
        print(f"retired: {args.kid}; now restart the identity api processes")
        return EXIT_OK
    state = keys.describe(directory)
    print(f"active: {state.active_kid or '(none)'}")
    for kid in state.published_kids:
        print(f"published: {kid}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="educrm-admin", description=__doc__.split("\n")[0])
    add_commands(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(protect_kid(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())
