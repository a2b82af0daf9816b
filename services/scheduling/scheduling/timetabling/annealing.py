"""Simulated annealing kernel: incremental move/swap evaluation and a chunk of iterations.

Neighbourhood (after Bellio, Ceschia, Di Gaspero, Schaerf): pick a lecture and a target cell
(room, period). An empty target is a MoveLecture; an occupied one is a SwapLectures (the two
lectures exchange cells). Targets are drawn as: same period / other room (room-only), other
period / same room, or both random. Hard cost is weighted into the objective so that the
search can cross infeasible regions; the best state is tracked lexicographically (hard, soft).

Kernels are compiled with `_nrt=False`: with numba's reference counting on, every call that
passes the Problem/State tuples increfs/decrefs each of their arrays (atomic operations), which
made a move evaluation 3x slower. Nothing here allocates, so the runtime is not needed.
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

from .random_stream import below, uniform
from .search_state import Problem, State, place_lecture, remove_lecture

# indices into the float64 `params` vector of run_chunk
TEMPERATURE, HARD_WEIGHT, P_ROOM_ONLY, P_KEEP_ROOM = 0, 1, 2, 3
N_PARAMS = 4
# indices into the int64 `counters` vector
ITERATIONS, ACCEPTED, IMPROVED_BEST = 0, 1, 2


@nb.njit(cache=True, _nrt=False)
def _isolated_if_removed(cp: np.ndarray, g: int, q: int) -> int:
    """Change in curriculum g's isolated lectures if one lecture leaves padded column q.
    Branch-free on purpose: these tests are unpredictable and mispredictions dominated."""
    a = cp[g, q - 1]
    b = cp[g, q + 1]
    alone = (a == 0) & (b == 0)
    emptied = cp[g, q] == 1
    return emptied * (a * (cp[g, q - 2] == 0) + b * (cp[g, q + 2] == 0)) - alone


@nb.njit(cache=True, _nrt=False)
def _isolated_if_added(cp: np.ndarray, g: int, q: int) -> int:
    """Change in curriculum g's isolated lectures if one lecture arrives in padded column q."""
    a = cp[g, q - 1]
    b = cp[g, q + 1]
    alone = (a == 0) & (b == 0)
    was_empty = cp[g, q] == 0
    return alone - was_empty * (a * (cp[g, q - 2] == 0) + b * (cp[g, q + 2] == 0))


@nb.njit(cache=True, _nrt=False)
def _compactness_delta(pb: Problem, st: State, c: int, p1: int, p2: int) -> int:
    """Weighted change of compactness cost when a lecture of course c moves p1 -> p2."""
    cp = st.curriculum_period
    q1 = pb.padded_period[p1]
    q2 = pb.padded_period[p2]
    total = 0
    for k in range(pb.curricula_ptr[c], pb.curricula_ptr[c + 1]):
        g = pb.curricula_idx[k]
        total += _isolated_if_removed(cp, g, q1)
        cp[g, q1] -= 1  # the arrival is judged after the departure (windows may overlap)
        total += _isolated_if_added(cp, g, q2)
        cp[g, q1] += 1
    return 2 * total


@nb.njit(cache=True, _nrt=False)
def move_delta(pb: Problem, st: State, lec: int, r2: int, p2: int) -> tuple[int, int]:
    """(hard, soft) change if lecture `lec` alone moved to (r2, p2); the target cell's
    occupant is ignored (the caller handles swaps)."""
    c = pb.lecture_course[lec]
    p1 = st.lecture_period[lec]
    r1 = st.lecture_room[lec]
    P = pb.n_periods
    dh = 0
    ds = pb.place_cost[c, r2 * P + p2] - pb.place_cost[c, r1 * P + p1]
    if p1 != p2:
        dh = (st.conflict_load[c, p2] + st.course_period[c, p2]) \
            - (st.conflict_load[c, p1] + st.course_period[c, p1] - 1)
        ppd = pb.periods_per_day
        d1 = p1 // ppd
        d2 = p2 // ppd
        if d1 != d2:
            wd = st.working_days[c]
            new_wd = wd
            if st.course_day[c, d1] == 1:
                new_wd -= 1
            if st.course_day[c, d2] == 0:
                new_wd += 1
            mwd = pb.min_working_days[c]
            ds += 5 * (max(0, mwd - new_wd) - max(0, mwd - wd))
        ds += _compactness_delta(pb, st, c, p1, p2)
    if r1 != r2:
        nr = st.rooms_used[c]
        new_nr = nr
        if st.course_room[c, r1] == 1:
            new_nr -= 1
        if st.course_room[c, r2] == 0:
            new_nr += 1
        ds += new_nr - nr
    return dh, ds


@nb.njit(cache=True, _nrt=False)
def swap_delta(pb: Problem, st: State, lec: int, other: int) -> tuple[int, int]:
    """(hard, soft) change if lectures `lec` and `other` (different courses) exchanged cells."""
    c = pb.lecture_course[lec]
    c2 = pb.lecture_course[other]
    p1, r1 = st.lecture_period[lec], st.lecture_room[lec]
    p2, r2 = st.lecture_period[other], st.lecture_room[other]
    dh1, ds1 = move_delta(pb, st, lec, r2, p2)
    if p1 == p2:
        dh2, ds2 = move_delta(pb, st, other, r1, p1)
        return dh1 + dh2, ds1 + ds2
    # evaluate the second move as if the first were done: shift c's curricula counts,
    # and correct the conflict load c2 sees (c leaves p1, arrives in p2)
    cp = st.curriculum_period
    q1 = pb.padded_period[p1]
    q2 = pb.padded_period[p2]
    for k in range(pb.curricula_ptr[c], pb.curricula_ptr[c + 1]):
        cp[pb.curricula_idx[k], q1] -= 1
        cp[pb.curricula_idx[k], q2] += 1
    dh2, ds2 = move_delta(pb, st, other, r1, p1)
    for k in range(pb.curricula_ptr[c], pb.curricula_ptr[c + 1]):
        cp[pb.curricula_idx[k], q1] += 1
        cp[pb.curricula_idx[k], q2] -= 1
    if pb.conflicts[c, c2]:
        dh2 -= 2
    return dh1 + dh2, ds1 + ds2


@nb.njit(cache=True, _nrt=False)
def _better(h: int, s: int, bh: int, bs: int) -> bool:
    return h < bh or (h == bh and s < bs)


@nb.njit(cache=True, _nrt=False, nogil=True)  # nogil: workers run on threads
def run_chunk(pb: Problem, st: State, best_period: np.ndarray, best_room: np.ndarray,
              best_cost: np.ndarray, rng: np.ndarray, n_iterations: int, params: np.ndarray,
              counters: np.ndarray) -> None:
    """`n_iterations` annealing steps at a fixed temperature; updates `st` (and its cost),
    the best (hard, soft) state seen, and `counters`."""
    temperature = params[TEMPERATURE]
    hard_weight = params[HARD_WEIGHT]
    p_room_only = params[P_ROOM_ONLY]
    p_keep_room = params[P_KEEP_ROOM]
    P, R = pb.n_periods, pb.n_rooms
    movable = pb.movable
    n_movable = len(movable)
    if n_movable == 0:
        counters[ITERATIONS] += n_iterations
        return
    accepted = 0
    improved = 0
    for _ in range(n_iterations):
        lec = movable[below(rng, n_movable)]
        c = pb.lecture_course[lec]
        p1 = st.lecture_period[lec]
        r1 = st.lecture_room[lec]
        u = uniform(rng)
        if u < p_room_only:
            p2 = p1
            r2 = below(rng, R)
        else:
            p2 = below(rng, P)
            r2 = r1 if uniform(rng) < p_keep_room else below(rng, R)
        if p2 == p1 and r2 == r1:
            continue
        if not pb.allowed[c, r2 * P + p2]:
            continue
        other = st.cell_lecture[r2 * P + p2]
        if other < 0:
            dh, ds = move_delta(pb, st, lec, r2, p2)
        else:
            c2 = pb.lecture_course[other]
            if c2 == c or not pb.allowed[c2, r1 * P + p1]:
                continue
            if pb.frozen[other]:
                continue
            dh, ds = swap_delta(pb, st, lec, other)
        delta = hard_weight * dh + ds
        if delta > 0 and (temperature <= 0.0 or uniform(rng) >= math.exp(-delta / temperature)):
            continue
        accepted += 1
        remove_lecture(pb, st, lec)
        if other >= 0:
            remove_lecture(pb, st, other)
            place_lecture(pb, st, other, r1, p1)
        place_lecture(pb, st, lec, r2, p2)
        st.cost[0] += dh
        st.cost[1] += ds
        if _better(st.cost[0], st.cost[1], best_cost[0], best_cost[1]):
            best_cost[0] = st.cost[0]
            best_cost[1] = st.cost[1]
            for i in range(len(best_period)):  # (a slice copy would need the runtime)
                best_period[i] = st.lecture_period[i]
                best_room[i] = st.lecture_room[i]
            improved += 1
    counters[ITERATIONS] += n_iterations
    counters[ACCEPTED] += accepted
    counters[IMPROVED_BEST] += improved
