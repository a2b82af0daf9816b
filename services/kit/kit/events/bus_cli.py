"""`educrm-bus`: the event bus operator's tool.

    educrm-bus declare                      # exchanges, quorum queues, DLX, DLQs (idempotent)
    educrm-bus check                        # catalogue contract check
    educrm-bus asyncapi > docs/asyncapi.yaml
    educrm-bus dead-letters list [--queue Q] [--json]
    educrm-bus dead-letters replay [--queue Q] (--id EVENT_ID ... | --all) [--to-queue]

The broker comes from EDUCRM_AMQP_URI (or --amqp-uri); the delivery limit from
EDUCRM_DELIVERY_LIMIT.
"""
from __future__ import annotations

import argparse
import json
import sys

import pika
import yaml

from kit.events.catalogue import REGISTRY
from kit.events.topology import CONFLICT_HELP, build_topology, declare
from kit.settings import BusSettings, load


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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
