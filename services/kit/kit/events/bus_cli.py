"""`educrm-bus`: the event bus operator's tool.

    educrm-bus declare                      # exchanges, quorum queues, DLX, DLQs (idempotent)
    educrm-bus check                        # catalogue contract check
    educrm-bus asyncapi > docs/asyncapi.yaml
    educrm-bus dead-letters list [--queue Q] [--json]
    educrm-bus dead-letters replay [--queue Q] (--id EVENT_ID ... | --all) [--to-queue]
    educrm-bus outbox parked --service identity [--json]
    educrm-bus outbox replay --service identity (--id EVENT_ID ... | --subject S ... | --all)

The broker comes from EDUCRM_AMQP_URI (or --amqp-uri); the delivery limit from
EDUCRM_DELIVERY_LIMIT. `outbox` reads the service's database: --database-url, else the
service's own setting (EDUCRM_<SERVICE>_DATABASE_URL, EDUCRM_DATABASE_URL, the config file,
then the single-machine default var/<service>.db).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys

import pika
import yaml

from kit.events.catalogue import REGISTRY
from kit.events.topology import CONFLICT_HELP, build_topology, declare
from kit.settings import BusSettings, load, sqlite_url


@dataclasses.dataclass(frozen=True)
class _ServiceDatabase:
    """The one setting `educrm-bus outbox` needs of a service, read the way the service does."""

    database_url: str = ""


def service_database_url(service: str) -> str:
    return load(_ServiceDatabase, service).database_url or sqlite_url(service)


def _connect(uri: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(uri))


def main(argv: list[str] | None = None) -> int:
    settings = load(BusSettings)
    parser = argparse.ArgumentParser(prog="educrm-bus", description=__doc__.split("\n")[0])
    parser.add_argument("--amqp-uri", default=settings.amqp_uri)
    parser.add_argument("--delivery-limit", type=int, default=settings.delivery_limit)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("declare", help="declare the whole topology from the catalogue")
    commands.add_parser("check", help="check the catalogue (schemas, examples, consumers)")
    commands.add_parser("asyncapi", help="print the AsyncAPI 3.0 document (YAML)")
    dead = commands.add_parser("dead-letters", help="list or replay dead letters")
    dead_commands = dead.add_subparsers(dest="action", required=True)
    listing = dead_commands.add_parser("list")
    listing.add_argument("--queue", help="consumer queue (or its .dlq); default all")
    listing.add_argument("--json", action="store_true")
    replay = dead_commands.add_parser("replay")
    replay.add_argument("--queue")
    replay.add_argument("--id", action="append", dest="ids", help="event id (repeatable)")
    replay.add_argument("--all", action="store_true")
    replay.add_argument("--to-queue", action="store_true",
                        help="send only to the queue it died in, not the original exchange")
    outbox = commands.add_parser("outbox", help="list or replay parked outbox events")
    outbox_commands = outbox.add_subparsers(dest="action", required=True)
    for name in ("parked", "replay"):
        sub = outbox_commands.add_parser(name)
        sub.add_argument("--service", required=True, help="the service whose outbox (identity...)")
        sub.add_argument("--database-url", help="default: the service's own setting")
        if name == "parked":
            sub.add_argument("--json", action="store_true")
        else:
            sub.add_argument("--id", action="append", dest="ids",
                             help="event id (repeatable); its whole aggregate is released")
            sub.add_argument("--subject", action="append", dest="subjects",
                             help="aggregate (event subject; repeatable)")
            sub.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "outbox":
        return _outbox(parser, args)

    if args.command == "check":
        problems = REGISTRY.problems()
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(REGISTRY.event_types())} event types, {len(REGISTRY.queues())} consumer "
              f"queues, {len(problems)} problems")
        return 1 if problems else 0

    if args.command == "asyncapi":
        from kit.events.asyncapi import build_document

        class NoAliases(yaml.SafeDumper):  # shared sub-schemas must not become &anchors
            def ignore_aliases(self, data):
                return True

        yaml.dump(build_document(REGISTRY), sys.stdout, Dumper=NoAliases, sort_keys=False,
                  allow_unicode=True, width=100)
        return 0

    topology = build_topology(REGISTRY, args.delivery_limit)
    connection = _connect(args.amqp_uri)
    try:
        if args.command == "declare":
            report = declare(connection, topology)
            for item in report.declared:
                print("ok   ", item)
            for conflict in report.conflicts:
                print("FAIL ", conflict, file=sys.stderr)
            if not report.ok:
                print(CONFLICT_HELP, file=sys.stderr)
                return 2
            return 0

        from kit.events.dead_letters import (
            dead_letter_queues,
            list_dead_letters,
            replay_dead_letters,
        )

        dlqs = dead_letter_queues(topology, args.queue)
        if args.action == "list":
            letters = list_dead_letters(connection, dlqs)
            if args.json:
                print(json.dumps([d.summary() for d in letters], ensure_ascii=False, indent=2))
            else:
                for d in letters:
                    s = d.summary()
                    print(f"{s['dlq']}  {s['event_id']}  {s['type']}  reason={s['reason']} "
                          f"count={s['count']}  died_at={s['died_at']}")
                print(f"{len(letters)} dead letter(s)")
            return 0
        if not args.all and not args.ids:
            parser.error("replay needs --id EVENT_ID or --all")
        replayed = replay_dead_letters(connection, dlqs,
                                       event_ids=None if args.all else set(args.ids),
                                       to_queue=args.to_queue)
        for d in replayed:
            target = d.queue if args.to_queue else f"{d.exchange} / {d.routing_key}"
            print(f"replayed {d.event_id} ({d.event_type}) -> {target}")
        print(f"{len(replayed)} replayed")
        return 0
    finally:
        connection.close()


def _outbox(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from kit.db import create_db_engine
    from kit.events.parking import list_parked, replay_parked

    engine = create_db_engine(args.database_url or service_database_url(args.service))
    try:
        if args.action == "parked":
            parked = list_parked(engine)
            if args.json:
                print(json.dumps([p.summary() for p in parked], ensure_ascii=False, indent=2))
            else:
                for p in parked:
                    print(f"{p.event_id}  {p.event_type}  subject={p.subject}  "
                          f"attempts={p.attempts}  parked_at={p.parked_at.isoformat()}  "
                          f"error={p.last_error}")
                print(f"{len(parked)} parked event(s) in the {args.service} outbox")
            return 0
        if not (args.all or args.ids or args.subjects):
            parser.error("replay needs --id EVENT_ID, --subject SUBJECT or --all")
        released = replay_parked(engine, event_ids=None if args.all else (args.ids or []),
                                 subjects=None if args.all else (args.subjects or []))
        for event_id in released:
            print(f"released {event_id}")
        print(f"{len(released)} event(s) handed back to the {args.service} relay")
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
