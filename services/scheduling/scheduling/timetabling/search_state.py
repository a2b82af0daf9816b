"""The solver's array form of an instance (`Problem`) and of a timetable (`State`).

Invariants kept by every kernel: each lecture sits in its own (room, period) cell, and only
in cells its course is allowed to use. Room occupancy, availability and room constraints are
therefore never violated during the search; the only hard cost left is conflicts:

    hard = sum over periods of [ pairs of lectures of conflicting courses
                                 + pairs of lectures of the same course ]

which is zero exactly when the checker's `lectures` and `conflicts` counts are zero.

Soft cost = the four ITC-2007 soft rules + a placement table that also carries the
minimal-perturbation penalty (negative for a lecture staying in its previous cell/period,
offset by `Problem.soft_offset` so that costs stay comparable to the rules' own).
"""
from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np

from .instance import Instance

I32 = np.int32


class Problem(NamedTuple):
    n_courses: int
    n_rooms: int
    n_periods: int
    periods_per_day: int
    n_days: int
    n_curricula: int
    lecture_course: np.ndarray  # int32[L]
    min_working_days: np.ndarray  # int32[C]
    conflicts: np.ndarray  # uint8[C, C]
    conflict_ptr: np.ndarray  # int32[C+1], CSR rows of `conflicts`
    conflict_idx: np.ndarray  # int32[...]
    curricula_ptr: np.ndarray  # int32[C+1], CSR: course -> curricula
    curricula_idx: np.ndarray  # int32[...]
    allowed: np.ndarray  # uint8[C, R*P]: course may use cell r*P+p
    place_cost: np.ndarray  # int32[C, R*P]: capacity cost (+ perturbation terms)
    movable: np.ndarray  # int32[M]: lectures the search may move
    frozen: np.ndarray  # uint8[L]: 1 for lectures that must stay where they are
    padded_period: np.ndarray  # int32[P]: column of period p in curriculum_period
    padded_len: int


class State(NamedTuple):
    lecture_period: np.ndarray  # int32[L]
    lecture_room: np.ndarray  # int32[L]
    cell_lecture: np.ndarray  # int32[R*P], -1 when empty
    course_period: np.ndarray  # int32[C, P] lectures of c in p
    conflict_load: np.ndarray  # int32[C, P] lectures of courses conflicting with c in p
    course_day: np.ndarray  # int32[C, D]
    working_days: np.ndarray  # int32[C]
    course_room: np.ndarray  # int32[C, R]
    rooms_used: np.ndarray  # int32[C]
    curriculum_period: np.ndarray  # int32[G, padded_len]: days separated by two zero
    # columns, so that neighbours two slots away always exist and the kernels need no branches
    cost: np.ndarray  # int64[2]: hard, soft (kept up to date incrementally)


def lecture_courses(instance: Instance) -> np.ndarray:
    """Lectures are numbered course by course: lecture l belongs to lecture_course[l]."""
    return np.repeat(np.arange(len(instance.courses), dtype=I32),
                     [c.lectures for c in instance.courses]).astype(I32)


def build_problem(
    instance: Instance,
    movable: np.ndarray | None = None,
    previous_cells: np.ndarray | None = None,
    moved_cell_weight: int = 0,
    moved_period_weight: int = 0,
) -> tuple[Problem, int]:
    """The array form and the soft-cost offset of the perturbation terms.

    `previous_cells` (int32[L, 2] of period, room; -1 for none) with the weights adds
    `moved_period_weight` per previous lecture whose course is no longer taught in that period
    and `moved_cell_weight` per previous lecture whose (period, room) is not kept.
    """
    inst = instance
    C, R, P = len(inst.courses), len(inst.rooms), inst.periods
    lc = lecture_courses(inst)
    conf = inst.conflicts
    ptr = np.zeros(C + 1, dtype=I32)
    idx_lists = [np.flatnonzero(conf[c]).astype(I32) for c in range(C)]
    ptr[1:] = np.cumsum([len(x) for x in idx_lists])
    cidx = np.concatenate(idx_lists + [np.zeros(0, I32)]).astype(I32)
    cur_lists = [np.array(g, dtype=I32) for g in inst.course_curricula]
    gptr = np.zeros(C + 1, dtype=I32)
    gptr[1:] = np.cumsum([len(x) for x in cur_lists])
    gidx = np.concatenate(cur_lists + [np.zeros(0, I32)]).astype(I32)

    allowed = (inst.available[:, None, :] & inst.room_allowed[:, :, None]
               & inst.room_open[None, :, :]).reshape(C, R * P).astype(np.uint8)
    students = np.array([c.students for c in inst.courses], dtype=np.int64)
    capacity = np.array([r.capacity for r in inst.rooms], dtype=np.int64)
    over = np.maximum(0, students[:, None] - capacity[None, :])  # [C, R]
    place = np.repeat(over[:, :, None], P, axis=2).reshape(C, R * P)
    offset = 0
    if previous_cells is not None and (moved_cell_weight or moved_period_weight):
        for lecture, (p, r) in enumerate(previous_cells):
            if p < 0:
                continue
            c = lc[lecture]
            place[c, r * P + p] -= moved_cell_weight
            place[c, np.arange(R) * P + p] -= moved_period_weight
            offset += moved_cell_weight + moved_period_weight
    frozen = np.zeros(len(lc), dtype=np.uint8)
    ppd = inst.periods_per_day
    padded = np.array([2 + (p // ppd) * (ppd + 2) + p % ppd for p in range(P)], dtype=I32)
    if movable is None:
        movable = np.arange(len(lc), dtype=I32)
    frozen[:] = 1
    frozen[np.asarray(movable, dtype=np.int64)] = 0
    problem = Problem(
        C, R, P, inst.periods_per_day, inst.days, len(inst.curricula), lc,
        np.array([c.min_working_days for c in inst.courses], dtype=I32),
        conf.astype(np.uint8), ptr, cidx, gptr, gidx, allowed, place.astype(I32),
        np.asarray(movable, dtype=I32), frozen, padded, 2 + inst.days * (inst.periods_per_day + 2))
    return problem, offset


def empty_state(problem: Problem) -> State:
    pb = problem
    L, C, R, P, D = len(pb.lecture_course), pb.n_courses, pb.n_rooms, pb.n_periods, pb.n_days
    return State(
        np.full(L, -1, I32), np.full(L, -1, I32), np.full(R * P, -1, I32),
        np.zeros((C, P), I32), np.zeros((C, P), I32), np.zeros((C, D), I32), np.zeros(C, I32),
        np.zeros((C, R), I32), np.zeros(C, I32), np.zeros((pb.n_curricula, pb.padded_len), I32),
        np.zeros(2, np.int64))


def copy_state(state: State) -> State:
    return State(*(a.copy() for a in state))


# --- primitives ----------------------------------------------------------------------------
# `cost` is not touched by these: callers add the deltas they computed (the annealer) or
# recompute it from scratch (construction, loading).

@nb.njit(cache=True, _nrt=False)
def place_lecture(pb: Problem, st: State, lec: int, room: int, period: int) -> None:
    c = pb.lecture_course[lec]
    st.lecture_period[lec] = period
    st.lecture_room[lec] = room
    st.cell_lecture[room * pb.n_periods + period] = lec
    st.course_period[c, period] += 1
    for k in range(pb.conflict_ptr[c], pb.conflict_ptr[c + 1]):
        st.conflict_load[pb.conflict_idx[k], period] += 1
    d = period // pb.periods_per_day
    if st.course_day[c, d] == 0:
        st.working_days[c] += 1
    st.course_day[c, d] += 1
    if st.course_room[c, room] == 0:
        st.rooms_used[c] += 1
    st.course_room[c, room] += 1
    for k in range(pb.curricula_ptr[c], pb.curricula_ptr[c + 1]):
        st.curriculum_period[pb.curricula_idx[k], pb.padded_period[period]] += 1


@nb.njit(cache=True, _nrt=False)
def remove_lecture(pb: Problem, st: State, lec: int) -> None:
    c = pb.lecture_course[lec]
    period = st.lecture_period[lec]
    room = st.lecture_room[lec]
    st.lecture_period[lec] = -1
    st.lecture_room[lec] = -1
    st.cell_lecture[room * pb.n_periods + period] = -1
    st.course_period[c, period] -= 1
    for k in range(pb.conflict_ptr[c], pb.conflict_ptr[c + 1]):
        st.conflict_load[pb.conflict_idx[k], period] -= 1
    d = period // pb.periods_per_day
    st.course_day[c, d] -= 1
    if st.course_day[c, d] == 0:
        st.working_days[c] -= 1
    st.course_room[c, room] -= 1
    if st.course_room[c, room] == 0:
        st.rooms_used[c] -= 1
    for k in range(pb.curricula_ptr[c], pb.curricula_ptr[c + 1]):
        st.curriculum_period[pb.curricula_idx[k], pb.padded_period[period]] -= 1


@nb.njit(cache=True, _nrt=False)
def full_cost(pb: Problem, st: State) -> tuple[int, int]:
    """(hard, soft) of the state from scratch, by the search's own definition; lectures not
    placed count one hard each."""
    P = pb.n_periods
    hard = 0
    soft = 0
    for lec in range(len(pb.lecture_course)):
        p = st.lecture_period[lec]
        if p < 0:
            hard += 1
            continue
        c = pb.lecture_course[lec]
        soft += pb.place_cost[c, st.lecture_room[lec] * P + p]
    for c in range(pb.n_courses):
        for p in range(P):
            n = st.course_period[c, p]
            hard += n * (n - 1) // 2
            for k in range(pb.conflict_ptr[c], pb.conflict_ptr[c + 1]):
                c2 = pb.conflict_idx[k]
                if c2 > c:
                    hard += n * st.course_period[c2, p]
        if pb.min_working_days[c] > st.working_days[c]:
            soft += 5 * (pb.min_working_days[c] - st.working_days[c])
        if st.rooms_used[c] > 1:
            soft += st.rooms_used[c] - 1
    cp = st.curriculum_period
    for g in range(pb.n_curricula):
        for p in range(P):
            q = pb.padded_period[p]
            if cp[g, q] > 0 and cp[g, q - 1] == 0 and cp[g, q + 1] == 0:
                soft += 2 * cp[g, q]
    return hard, soft


def refresh_cost(pb: Problem, st: State) -> None:
    hard, soft = full_cost(pb, st)
    st.cost[0] = hard
    st.cost[1] = soft
