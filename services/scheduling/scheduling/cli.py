"""educrm-scheduling: command line of the scheduling service.

    educrm-scheduling solve INSTANCE.ctt --time-limit 30 --seed 1 --output comp01.sol [--workers 1]
    educrm-scheduling check INSTANCE.ctt SOLUTION.sol

`solve` always writes its best timetable: at the deadline, after --max-iterations, or on
SIGTERM/SIGINT. With --max-iterations the result depends only on the seed; with only a time
limit it also depends on how many iterations the machine managed in that time.
Exit codes: 0 ok (feasible), 1 the solution has hard violations, 2 bad input.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time


def _add_timetabling_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("solve", help="solve a CB-CTT instance (.ctt/.ectt)")
    p.add_argument("instance")
    p.add_argument("--time-limit", type=float, required=True,
                   help="wall-clock seconds for the whole run, loading included")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output", required=True, help="solution file to write")
    p.add_argument("--workers", type=int, default=1, help="independent searches on threads")
    p.add_argument("--max-iterations", type=int, default=None,
                   help="iterations per worker; makes the run reproducible for a seed")
    p.add_argument("--initial", help="start from this solution")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=_solve)

    p = sub.add_parser("check", help="score a solution by the ITC-2007 track 3 rules")
    p.add_argument("instance")
    p.add_argument("solution")
    p.add_argument("--previous", help="also count lectures moved w.r.t. this solution")
    p.set_defaults(handler=_check)


def _solve(args: argparse.Namespace, started: float) -> int:
    from .timetabling import (
        InstanceFormatError,
        SolutionFormatError,
        load_instance,
        load_solution,
        solve,
        write_solution,
    )

    try:
        instance = load_instance(args.instance)
        initial = load_solution(args.initial, instance) if args.initial else None
    except (OSError, InstanceFormatError, SolutionFormatError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()  # the search returns its best at the end of the current chunk

    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)

    def progress(p) -> None:
        if not args.quiet:
            print(f"[{p.elapsed:7.2f}s w{p.worker}] it={p.iterations:>11,} T={p.temperature:7.3f} "
                  f"cost={p.hard}/{p.soft} best={p.best_hard}/{p.best_soft}", file=sys.stderr)

    margin = 0.25  # writing the file and leaving the process
    remaining = max(0.05, args.time_limit - (time.monotonic() - started) - margin)
    result = solve(instance, time_limit=remaining, seed=args.seed, workers=args.workers,
                   initial=initial, max_iterations=args.max_iterations, on_progress=progress,
                   should_stop=stop.is_set)
    write_solution(result.solution, args.output)
    print(f"hard violations: {result.hard_violations}\nsoft cost: {result.soft_cost}\n"
          f"iterations: {result.iterations}\nelapsed: {result.elapsed:.2f}s\n"
          f"stopped by: {result.stopped_by}")
    return 0 if result.hard_violations == 0 else 1


def _check(args: argparse.Namespace, started: float) -> int:
    from .timetabling import (
        InstanceFormatError,
        SolutionFormatError,
        check,
        load_instance,
        load_solution,
    )

    try:
        instance = load_instance(args.instance)
        solution = load_solution(args.solution, instance)
        previous = load_solution(args.previous, instance) if args.previous else None
    except (OSError, InstanceFormatError, SolutionFormatError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    report = check(instance, solution, previous)
    print(report.format())
    return 0 if report.feasible else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="educrm-scheduling", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _add_timetabling_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    args = build_parser().parse_args(argv)
    return args.handler(args, started)


if __name__ == "__main__":
    sys.exit(main())
