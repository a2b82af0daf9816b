"""One entry point to solve a mapped instance, whichever solver is available.

The annealing solver (`scheduling.timetabling`, the solver engineer's package) optimises the
ITC-2007 soft costs; the CP-SAT model (`cpsat_solver`) is exact on the hard constraints and on
"moved lectures". Fresh solves use annealing when the package exposes `solve`, and fall back to
CP-SAT when it is missing or ends infeasible; repairs use CP-SAT with a move penalty, so
exactly the fewest lectures move.
"""
from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Callable

from .cpsat_solver import solve_cpsat
from .timetabling.checker import Report, check
from .timetabling.instance import Instance
from .timetabling.solution import Solution

log = logging.getLogger(__name__)

Progress = Callable[[float, int | None, int | None], None]  # fraction, best hard, best soft


@dataclasses.dataclass(frozen=True)
class SolveOutcome:
    solution: Solution | None
    report: Report | None
    solver: str


def _annealing_solve():
    for module in ("scheduling.timetabling", "scheduling.timetabling.solver"):
        try:
            found = getattr(importlib.import_module(module), "solve", None)
        except ImportError:
            continue
        if callable(found):
            return found
    return None


def _as_solution(result) -> Solution | None:
    if result is None or isinstance(result, Solution):
        return result
    for name in ("solution", "best", "best_solution"):
        value = getattr(result, name, None)
        if isinstance(value, Solution):
            return value
    return None


def _progress_adapter(on_progress: Progress, time_limit: float):
    """The annealing solver's callback shape is its own; take what is recognisable."""
    def callback(*args, **kwargs):
        info = args[0] if len(args) == 1 and not kwargs else kwargs
        get = ((lambda k: info.get(k)) if isinstance(info, dict)
               else (lambda k: getattr(info, k, None)))
        hard = get("hard") if get("hard") is not None else get("best_hard")
        soft = get("soft") if get("soft") is not None else get("best_soft")
        elapsed = get("elapsed") or get("elapsed_seconds")
        fraction = get("fraction") or (min(0.99, elapsed / time_limit) if elapsed else 0.0)
        on_progress(float(fraction), hard, soft)
    return callback


def solve(instance: Instance, *, time_limit: float, seed: int = 0,
          on_progress: Progress | None = None) -> SolveOutcome:
    on_progress = on_progress or (lambda *_: None)
    annealing = _annealing_solve()
    if annealing is not None:
        try:
            solution = _as_solution(annealing(
                instance, time_limit=time_limit, seed=seed, workers=1,
                on_progress=_progress_adapter(on_progress, time_limit)))
            if solution is not None:
                report = check(instance, solution)
                if report.feasible:
                    return SolveOutcome(solution, report, "annealing")
                log.warning("annealing ended infeasible (%d hard); trying CP-SAT",
                            report.hard_violations)
        except Exception:  # the fallback below still gives the user a timetable
            log.exception("annealing solver failed; trying CP-SAT")
    solution = solve_cpsat(instance, time_limit=time_limit, seed=seed,
                           on_progress=lambda f, h, s: on_progress(f, h, s))
    return SolveOutcome(solution, check(instance, solution) if solution else None, "cp-sat")


def repair(instance: Instance, previous: Solution, *, time_limit: float,
           seed: int = 0) -> SolveOutcome:
    solution = solve_cpsat(instance, time_limit=time_limit, seed=seed, previous=previous)
    return SolveOutcome(solution, check(instance, solution, previous) if solution else None,
                        "cp-sat")
