"""Greedy construction of a starting timetable (the annealer repairs what is left).

Lectures are inserted hardest first (fewest allowed periods per lecture, then most
conflicting courses) into the allowed empty cell adding the fewest conflicts, then the least
placement cost. When no allowed cell is empty, a random movable occupant of an allowed cell is
evicted and re-queued.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .random_stream import below, new_stream
from .search_state import Problem, State, place_lecture, remove_lecture


class ConstructionError(RuntimeError):
    pass


def insertion_order(problem: Problem, lectures: np.ndarray, seed: int) -> np.ndarray:
    pb = problem
    C, R, P = pb.n_courses, pb.n_rooms, pb.n_periods
    allowed_periods = pb.allowed.reshape(C, R, P).any(axis=1).sum(axis=1)
    per_course = np.bincount(pb.lecture_course, minlength=C)
    degree = np.diff(pb.conflict_ptr)
    c = pb.lecture_course[lectures]
    slack = allowed_periods[c] / np.maximum(per_course[c], 1)
    tie = np.random.default_rng(seed).random(len(lectures))
    return lectures[np.lexsort((tie, -degree[c], slack))].astype(np.int32)


@nb.njit(cache=True, _nrt=False)
def _insert_all(
    pb: Problem, st: State, queue: np.ndarray, ring: np.ndarray, rng: np.ndarray, max_evictions: int
) -> int:
    """Insert the lectures of `queue` in order; returns the lectures left unplaced."""
    P, R = pb.n_periods, pb.n_rooms
    L = len(pb.lecture_course)
    # ring: int32[L + 1], FIFO of lectures still to insert (allocated by the caller: the
    # kernel runs without numba's reference counting, see annealing.py)
    head = 0
    tail = 0
    for lec in queue:
        ring[tail] = lec
        tail = (tail + 1) % (L + 1)
    evictions = 0
    while head != tail:
        lec = ring[head]
        head = (head + 1) % (L + 1)
        c = pb.lecture_course[lec]
        best_cell = -1
        best_score = np.int64(1) << 62
        ties = 0
        for cell in range(R * P):
            if not pb.allowed[c, cell] or st.cell_lecture[cell] >= 0:
                continue
            p = cell % P
            score = (
                np.int64(st.conflict_load[c, p] + st.course_period[c, p]) * 1000000
                + pb.place_cost[c, cell] * 10
            )
            if st.course_period[c, p] == 0:
                # prefer a day the course does not use yet (minimum working days)
                d = p // pb.periods_per_day
                if st.course_day[c, d] > 0:
                    score += 20
            if score < best_score:
                best_score = score
                best_cell = cell
                ties = 1
            elif score == best_score:
                ties += 1
                if below(rng, ties) == 0:  # reservoir sampling among equal cells
                    best_cell = cell
        if best_cell < 0:
            # no allowed empty cell: evict a movable occupant of an allowed cell
            if evictions >= max_evictions:
                return (tail - head) % (L + 1) + 1
            candidates = 0
            victim = -1
            for cell in range(R * P):
                o = st.cell_lecture[cell]
                if pb.allowed[c, cell] and o >= 0 and not pb.frozen[o]:
                    candidates += 1
                    if below(rng, candidates) == 0:
                        victim = cell
            if victim < 0:
                return (tail - head) % (L + 1) + 1
            o = st.cell_lecture[victim]
            remove_lecture(pb, st, o)
            ring[tail] = o
            tail = (tail + 1) % (L + 1)
            evictions += 1
            best_cell = victim
        place_lecture(pb, st, lec, best_cell // P, best_cell % P)
    return 0


def construct(problem: Problem, state: State, seed: int) -> None:
    """Place every lecture of `state` that is not placed yet."""
    unplaced = np.flatnonzero(state.lecture_period < 0).astype(np.int32)
    if len(unplaced) == 0:
        return
    order = insertion_order(problem, unplaced, seed)
    ring = np.empty(len(problem.lecture_course) + 1, dtype=np.int32)
    left = _insert_all(
        problem,
        state,
        order,
        ring,
        new_stream(seed ^ 0x5EED),
        50 * len(problem.lecture_course) + 1000,
    )
    if left:
        raise ConstructionError(
            f"could not place {left} lecture(s): not enough allowed rooms/periods for them"
        )
