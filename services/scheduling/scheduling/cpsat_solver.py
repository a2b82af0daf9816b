"""An exact CP-SAT model of a CB-CTT instance, used to repair a published timetable with as
few moved lectures as possible (and as the fallback solver when the annealing solver is not
available).

Variables x[c, p, r] (course c taught in period p in room r) exist only where the course is
available, the room allowed for it and open. Lectures of one course are interchangeable, so
"moved lectures" is the multiset difference the checker counts: previous cells not kept.

Hard: each course gets exactly its lectures, at most one per period; one lecture per room and
period; conflicting courses (shared teacher or curriculum) never share a period.
Objective: MOVE_WEIGHT × moved lectures + room over-capacity + 5 × working days short
(compactness and room stability are left to the annealing solver).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from .timetabling.instance import Instance
from .timetabling.solution import Assignment, Solution

MOVE_WEIGHT = 1000

ProgressCallback = Callable[[float, int, int], None]  # fraction done, hard, soft


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, limit: float, on_progress: ProgressCallback | None):
        super().__init__()
        self._started, self._limit, self._on_progress = started, limit, on_progress
        self._lock = threading.Lock()

    def on_solution_callback(self) -> None:
        if self._on_progress is None:
            return
        with self._lock:
            done = min(0.99, (time.monotonic() - self._started) / max(self._limit, 1e-3))
            self._on_progress(done, 0, int(self.objective_value))


def solve_cpsat(instance: Instance, *, time_limit: float = 10.0, seed: int = 0,
                workers: int = 4, previous: Solution | None = None,
                on_progress: ProgressCallback | None = None) -> Solution | None:
    """The best timetable found within `time_limit`, or None if none exists / none found."""
    inst = instance
    P, R = inst.periods, len(inst.rooms)  # noqa: N806 - the model's notation
    available, room_allowed, room_open = inst.available, inst.room_allowed, inst.room_open
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    by_cp: dict[tuple[int, int], list] = defaultdict(list)
    by_rp: dict[tuple[int, int], list] = defaultdict(list)
    for c in range(len(inst.courses)):
        for p in range(P):
            if not available[c, p]:
                continue
            for r in range(R):
                if room_allowed[c, r] and room_open[r, p]:
                    v = model.new_bool_var(f"x{c}_{p}_{r}")
                    x[c, p, r] = v
                    by_cp[c, p].append(v)
                    by_rp[r, p].append(v)

    used: dict[tuple[int, int], cp_model.IntVar] = {}
    for c, course in enumerate(inst.courses):
        cells = [v for (cc, _p, _r), v in x.items() if cc == c]
        if len(cells) < course.lectures:
            return None  # not enough usable cells: no timetable exists
        model.add(sum(cells) == course.lectures)
        for p in range(P):
            if by_cp[c, p]:
                u = model.new_bool_var(f"u{c}_{p}")
                model.add(sum(by_cp[c, p]) == u)
                used[c, p] = u
    for vs in by_rp.values():
        if len(vs) > 1:
            model.add_at_most_one(vs)

    # conflicts: each teacher's courses and each curriculum's courses, pairwise distinct periods
    groups: list[list[int]] = []
    by_teacher: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(inst.courses):
        by_teacher[c.teacher].append(i)
    groups += [g for g in by_teacher.values() if len(g) > 1]
    groups += [sorted({inst.course_index[c] for c in q.courses}) for q in inst.curricula]
    for group in groups:
        if len(group) < 2:
            continue
        for p in range(P):
            us = [used[c, p] for c in group if (c, p) in used]
            if len(us) > 1:
                model.add_at_most_one(us)

    terms = []
    for (c, _p, r), v in x.items():
        over = inst.courses[c].students - inst.rooms[r].capacity
        if over > 0:
            terms.append(over * v)
    ppd = inst.periods_per_day
    for c, course in enumerate(inst.courses):
        if course.min_working_days <= 1:
            continue
        day_used = []
        for d in range(inst.days):
            us = [used[c, p] for p in range(d * ppd, (d + 1) * ppd) if (c, p) in used]
            if not us:
                continue
            w = model.new_bool_var(f"w{c}_{d}")
            model.add_max_equality(w, us)
            day_used.append(w)
        short = model.new_int_var(0, course.min_working_days, f"short{c}")
        model.add(short >= course.min_working_days - sum(day_used))
        terms.append(5 * short)
    if previous is not None:
        for a in previous:
            key = (inst.course_index.get(a.course), a.day * ppd + a.slot,
                   inst.room_index.get(a.room))
            v = x.get(key)  # a previous cell that is now forbidden is a forced move
            terms.append(MOVE_WEIGHT * (1 - v) if v is not None else MOVE_WEIGHT)
    if terms:
        model.minimize(sum(terms))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = int(seed) % (2**31)
    started = time.monotonic()
    status = solver.solve(model, _Progress(started, time_limit, on_progress))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = []
    for (c, p, r), v in x.items():
        if solver.value(v):
            out.append(Assignment(inst.courses[c].name, inst.rooms[r].name, p // ppd, p % ppd))
    return Solution.of(sorted(out))
