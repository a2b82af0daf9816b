"""solve(): construction + simulated annealing, with deadlines, seeds, workers and re-solving.

Determinism: a search is a pure function of (instance, seed, parameters, number of
iterations). With `max_iterations` the cooling schedule follows the iteration count, so the
result is the same on every machine and load. With only `time_limit` the schedule follows the
wall clock, so how far the search gets (and the result) depends on machine speed and load.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Iterable

import numpy as np

from . import numba_cache

numba_cache.configure()

from .annealing import (  # noqa: E402 (numba must see the cache dir first)
    HARD_WEIGHT,
    ITERATIONS,
    N_PARAMS,
    P_KEEP_ROOM,
    P_ROOM_ONLY,
    TEMPERATURE,
    run_chunk,
)
from .checker import check  # noqa: E402
from .construction import construct  # noqa: E402
from .instance import Instance  # noqa: E402
from .random_stream import new_stream  # noqa: E402
from .search_state import (  # noqa: E402
    Problem,
    State,
    build_problem,
    empty_state,
    full_cost,
    lecture_courses,
    place_lecture,
)
from .solution import Assignment, Solution  # noqa: E402


@dataclasses.dataclass(frozen=True)
class AnnealingParams:
    """Cooling: temperature falls exponentially from `start_temperature` to
    `end_temperature` over the budget; the budget is split into `cycles` such descents, each
    restarting from the best state found so far (reheats)."""

    start_temperature: float = 2.5
    end_temperature: float = 0.05
    cycles: int = 1
    hard_weight: float = 50.0
    p_room_only: float = 0.1  # share of moves that only change the room
    p_keep_room: float = 0.3  # share of period-changing moves that keep the room
    chunk_iterations: int = 50_000  # iterations between deadline/progress checks


@dataclasses.dataclass(frozen=True)
class Previous:
    """Minimal perturbation: the solution being revised, and the soft cost added for each of
    its lectures not kept: `moved_weight` if its (course, room, period) disappears, plus
    `period_change_weight` if its course is no longer taught in that period at all."""

    solution: Solution
    moved_weight: int = 5
    period_change_weight: int = 0


@dataclasses.dataclass(frozen=True)
class Progress:
    worker: int
    elapsed: float
    iterations: int
    temperature: float
    hard: int
    soft: int  # the search's objective: ITC-2007 soft cost (+ perturbation penalty)
    best_hard: int
    best_soft: int


@dataclasses.dataclass(frozen=True)
class SolveResult:
    solution: Solution
    hard_violations: int  # by the independent checker
    soft_cost: int  # ITC-2007 soft cost, by the independent checker
    objective: int  # soft cost + perturbation penalty, as the search minimised it
    moved_lectures: int | None
    iterations: int
    elapsed: float
    seed: int
    worker: int
    stopped_by: str  # "iterations", "time" or "stop"


class _Search:
    """One annealing run (one worker)."""

    def __init__(self, problem: Problem, state: State, seed: int, params: AnnealingParams):
        self.pb = problem
        self.st = state
        self.params = params
        self.rng = new_stream(seed)
        self.best_period = state.lecture_period.copy()
        self.best_room = state.lecture_room.copy()
        self.best_cost = state.cost.copy()
        self.counters = np.zeros(3, dtype=np.int64)
        self.vector = np.zeros(N_PARAMS, dtype=np.float64)
        self.vector[HARD_WEIGHT] = params.hard_weight
        self.vector[P_ROOM_ONLY] = params.p_room_only
        self.vector[P_KEEP_ROOM] = params.p_keep_room
        self.cycle = 0
        self.temperature = params.start_temperature

    def temperature_at(self, fraction: float) -> float:
        p = self.params
        cycles = max(1, p.cycles)
        position = min(fraction, 1.0) * cycles
        cycle = min(int(position), cycles - 1)
        if cycle != self.cycle:
            self.cycle = cycle
            self.restore_best()
        within = position - cycle
        # later cycles start cooler: they refine rather than explore
        start = p.start_temperature / (1 + cycle)
        return start * (p.end_temperature / start) ** within

    def restore_best(self) -> None:
        st, pb = self.st, self.pb
        st.cell_lecture[:] = -1
        for arr in (
            st.course_period,
            st.conflict_load,
            st.course_day,
            st.working_days,
            st.course_room,
            st.rooms_used,
            st.curriculum_period,
        ):
            arr[...] = 0
        _place_all(pb, st, self.best_period, self.best_room)
        st.cost[:] = self.best_cost

    def step(self, fraction: float, iterations: int) -> None:
        self.temperature = self.temperature_at(fraction)
        if self.best_cost[0] > 0:
            # never feasible yet: do not cool below where conflicts can still be traded for
            # soft cost (at low temperature a last conflict needing a two-step repair stays)
            self.temperature = max(self.temperature, self.params.start_temperature / 2)
        self.vector[TEMPERATURE] = self.temperature
        run_chunk(
            self.pb,
            self.st,
            self.best_period,
            self.best_room,
            self.best_cost,
            self.rng,
            iterations,
            self.vector,
            self.counters,
        )
        # strategic oscillation: raise the price of conflicts while the search sits in
        # infeasible space (fixed weights let comp05 end with a conflict), relax it afterwards
        weight = self.vector[HARD_WEIGHT]
        if self.st.cost[0] > 0:
            self.vector[HARD_WEIGHT] = min(weight * 1.1, 10 * self.params.hard_weight)
        else:
            self.vector[HARD_WEIGHT] = max(weight * 0.95, self.params.hard_weight)


def _place_all(pb: Problem, st: State, periods: np.ndarray, rooms: np.ndarray) -> None:
    for lec in range(len(periods)):
        place_lecture(pb, st, lec, int(rooms[lec]), int(periods[lec]))


def _lectures_by_course(instance: Instance) -> dict[str, list[int]]:
    lc = lecture_courses(instance)
    out: dict[str, list[int]] = {c.name: [] for c in instance.courses}
    for lec, c in enumerate(lc):
        out[instance.courses[c].name].append(lec)
    return out


def _initial_state(
    instance: Instance,
    problem: Problem,
    initial: Solution | None,
    frozen: Iterable[Assignment],
    seed: int,
) -> State:
    """Place frozen lectures, then what of `initial` still fits, then construct the rest."""
    st = empty_state(problem)
    P = instance.periods
    free = _lectures_by_course(instance)
    ri = instance.room_index

    def try_place(a: Assignment, strict: bool) -> int | None:
        lectures = free.get(a.course)
        period = instance.period(a.day, a.slot) if 0 <= a.slot < instance.periods_per_day else -1
        ok = lectures and a.room in ri and 0 <= a.day < instance.days and period >= 0
        if ok:
            c = instance.course_index[a.course]
            cell = ri[a.room] * P + period
            ok = bool(problem.allowed[c, cell]) and st.cell_lecture[cell] < 0
        if not ok:
            if strict:
                raise ValueError(
                    f"frozen lecture {a} cannot be placed (unknown, duplicate, "
                    "forbidden or clashing with another frozen lecture)"
                )
            return None
        lec = lectures.pop(0)
        place_lecture(problem, st, lec, ri[a.room], period)
        return lec

    for a in frozen:
        try_place(a, strict=True)
    for a in initial or ():
        if a not in frozen:
            try_place(a, strict=False)
    construct(problem, st, seed)
    hard, soft = full_cost(problem, st)
    st.cost[0], st.cost[1] = hard, soft
    return st


def _to_solution(
    instance: Instance, problem: Problem, periods: np.ndarray, rooms: np.ndarray
) -> Solution:
    ppd = instance.periods_per_day
    out = []
    for lec in range(len(periods)):
        course = instance.courses[problem.lecture_course[lec]].name
        p = int(periods[lec])
        out.append(Assignment(course, instance.rooms[int(rooms[lec])].name, p // ppd, p % ppd))
    return Solution(tuple(out))


def solve(
    instance: Instance,
    time_limit: float | None = None,
    seed: int = 0,
    workers: int = 1,
    initial: Solution | None = None,
    frozen: Iterable[Assignment] = (),
    previous: Previous | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    max_iterations: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    params: AnnealingParams | None = None,
) -> SolveResult:
    """Find a timetable for `instance`.

    time_limit: wall-clock seconds for the whole call (construction included).
    max_iterations: annealing iterations per worker; when given, the cooling follows the
        iteration count and the result is reproducible (time_limit then only cuts it short).
    workers: independent searches on threads (seeds seed, seed+1, ...); the best wins,
        ties going to the lowest worker.
    initial / frozen: start from a timetable; `frozen` lectures (a subset of it, or extra)
        never move. Lectures of `initial` no longer allowed are re-placed.
    previous: minimal-perturbation penalty w.r.t. an earlier timetable (see Previous).
    should_stop: polled between chunks; returning True ends the search with its best.
    on_progress: called from the searching threads (serialised by a lock), at most every
        0.2 s on a new best and at least about once a second.
    """
    if time_limit is None and max_iterations is None:
        raise ValueError("give time_limit, max_iterations or both")
    start = time.monotonic()
    deadline = start + time_limit if time_limit is not None else math.inf
    params = params or AnnealingParams()
    frozen = tuple(frozen)

    previous_cells = None
    if previous is not None:
        previous_cells = _previous_cells(instance, previous.solution)
    frozen_lectures: list[int] = []
    problem, offset = build_problem(
        instance,
        previous_cells=previous_cells,
        moved_cell_weight=previous.moved_weight if previous else 0,
        moved_period_weight=previous.period_change_weight if previous else 0,
    )
    if frozen:
        # freeze the lectures the frozen assignments land on
        probe = _initial_state(instance, problem, None, frozen, seed)
        frozen_lectures = [
            int(
                probe.cell_lecture[
                    instance.room_index[a.room] * instance.periods + instance.period(a.day, a.slot)
                ]
            )
            for a in frozen
        ]
        movable = np.setdiff1d(np.arange(len(problem.lecture_course)), frozen_lectures)
        problem, offset = build_problem(
            instance,
            movable=movable,
            previous_cells=previous_cells,
            moved_cell_weight=previous.moved_weight if previous else 0,
            moved_period_weight=previous.period_change_weight if previous else 0,
        )

    lock = threading.Lock()
    results: list[tuple[_Search, str, float] | None] = [None] * max(1, workers)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            st = _initial_state(instance, problem, initial, frozen, seed + k)
            search = _Search(problem, st, seed + k, params)
            chunk = params.chunk_iterations
            last_report = -math.inf
            reason = "time"
            while True:
                now = time.monotonic()
                done = int(search.counters[ITERATIONS])
                if max_iterations is not None and done >= max_iterations:
                    reason = "iterations"
                    break
                if now >= deadline:
                    reason = "time"
                    break
                if should_stop is not None and should_stop():
                    reason = "stop"
                    break
                if max_iterations is not None:
                    fraction = done / max_iterations
                    n = min(chunk, max_iterations - done)
                else:
                    fraction = (now - start) / time_limit  # type: ignore[operator]
                    n = chunk
                best_before = (int(search.best_cost[0]), int(search.best_cost[1]))
                search.step(fraction, n)
                if on_progress is not None:
                    best = (int(search.best_cost[0]), int(search.best_cost[1]))
                    now = time.monotonic()
                    since = now - last_report
                    if (best != best_before and since >= 0.2) or since >= 1.0:
                        last_report = now
                        with lock:
                            on_progress(
                                Progress(
                                    k,
                                    now - start,
                                    int(search.counters[ITERATIONS]),
                                    search.temperature,
                                    int(st.cost[0]),
                                    int(st.cost[1]) + offset,
                                    best[0],
                                    best[1] + offset,
                                )
                            )
            results[k] = (search, reason, time.monotonic() - start)
        except BaseException as e:  # surfaced in the calling thread
            errors.append(e)

    if workers <= 1:
        work(0)
    else:
        threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise errors[0]

    k_best, (search, reason, _) = min(
        ((k, r) for k, r in enumerate(results) if r is not None),
        key=lambda kr: (int(kr[1][0].best_cost[0]), int(kr[1][0].best_cost[1]), kr[0]),
    )
    solution = _to_solution(instance, problem, search.best_period, search.best_room)
    report = check(instance, solution, previous.solution if previous else None)
    return SolveResult(
        solution=solution,
        hard_violations=report.hard_violations,
        soft_cost=report.soft_cost,
        objective=int(search.best_cost[1]) + offset,
        moved_lectures=report.moved_lectures,
        iterations=int(search.counters[ITERATIONS]),
        elapsed=time.monotonic() - start,
        seed=seed + k_best,
        worker=k_best,
        stopped_by=reason,
    )


def _previous_cells(instance: Instance, previous: Solution) -> np.ndarray:
    """int32[L, 2] (period, room) of the previous timetable, lecture by lecture (-1: none)."""
    cells = np.full((len(lecture_courses(instance)), 2), -1, dtype=np.int32)
    free = _lectures_by_course(instance)
    for a in previous:
        lectures = free.get(a.course)
        if not lectures or a.room not in instance.room_index:
            continue
        if not (0 <= a.day < instance.days and 0 <= a.slot < instance.periods_per_day):
            continue
        cells[lectures.pop(0)] = (instance.period(a.day, a.slot), instance.room_index[a.room])
    return cells
