"""The solver: feasibility, agreement with the checker, determinism, deadlines, re-solving."""

from __future__ import annotations

import numpy as np
from scheduling.timetabling import Assignment, Previous, check, solve
from scheduling.timetabling.search_state import build_problem, full_cost
from scheduling.timetabling.solver import _initial_state


def test_toy_example_feasible_and_optimal_enough(toy_example):
    result = solve(toy_example, time_limit=5, max_iterations=300_000, seed=3)
    report = check(toy_example, result.solution)
    assert report.feasible and len(result.solution) == toy_example.total_lectures
    assert (result.hard_violations, result.soft_cost) == (report.hard_violations, report.soft_cost)
    assert result.objective == report.soft_cost  # the search's own count agrees


def test_comp01_feasible_and_good_within_a_million_iterations(comp01):
    # Bounded by iterations, not seconds: a time limit on a loaded machine (or one compiling
    # the numba kernels cold, which takes seconds) may leave the search no iterations at all.
    # A million iterations take well under a second on a warm, idle core.
    result = solve(comp01, max_iterations=1_000_000, seed=1)
    assert result.stopped_by == "iterations" and result.iterations == 1_000_000
    report = check(comp01, result.solution)
    assert report.feasible
    assert report.soft_cost == result.objective
    assert report.soft_cost < 60


def test_same_seed_same_solution_when_iteration_bounded(comp01):
    a = solve(comp01, max_iterations=400_000, seed=7)
    b = solve(comp01, max_iterations=400_000, seed=7)
    c = solve(comp01, max_iterations=400_000, seed=8)
    assert a.stopped_by == b.stopped_by == "iterations"
    assert a.solution == b.solution and a.iterations == b.iterations == 400_000
    assert c.solution != a.solution


def test_workers_deterministic_and_best_of(comp01):
    a = solve(comp01, max_iterations=200_000, seed=11, workers=2)
    b = solve(comp01, max_iterations=200_000, seed=11, workers=2)
    single = solve(comp01, max_iterations=200_000, seed=11)
    assert a.solution == b.solution
    assert (a.hard_violations, a.objective) <= (single.hard_violations, single.objective)


def test_deadline_respected(comp01):
    # An iteration budget no search reaches in a second: only the deadline can stop this one.
    result = solve(comp01, time_limit=1.0, max_iterations=10**12, seed=2)
    assert result.stopped_by == "time" and result.iterations < 10**12
    assert len(result.solution) == comp01.total_lectures


def test_deadline_is_checked_between_chunks(comp01, monkeypatch):
    """On a clock that moves 0.1 s per reading, a 1 s limit ends the search after at most ten
    chunks, however slowly the machine runs them."""
    import types

    from scheduling.timetabling import solver as solver_module

    now = [1000.0]

    def monotonic() -> float:
        now[0] += 0.1
        return now[0]

    monkeypatch.setattr(solver_module, "time", types.SimpleNamespace(monotonic=monotonic))
    result = solve(comp01, time_limit=1.0, max_iterations=10**12, seed=2)
    chunk = solver_module.AnnealingParams().chunk_iterations
    assert result.stopped_by == "time"
    assert 0 < result.iterations <= 10 * chunk
    assert len(result.solution) == comp01.total_lectures


def test_should_stop_ends_the_search_with_its_best(comp01):
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 3

    result = solve(comp01, time_limit=30, seed=2, should_stop=stop)
    assert result.stopped_by == "stop" and len(result.solution) == comp01.total_lectures


def test_incremental_cost_matches_full_recount(comp01):
    problem, _ = build_problem(comp01)
    result = solve(comp01, max_iterations=300_000, seed=5)
    # re-load the result into a fresh state and recount from scratch
    again = _initial_state(comp01, problem, result.solution, (), seed=5)
    hard, soft = full_cost(problem, again)
    assert (hard, soft) == (result.hard_violations, result.soft_cost)
    # The cost the search kept up incrementally is the recount (no previous: no penalty).
    assert result.objective == soft


def test_progress_reported(comp01):
    seen = []
    result = solve(comp01, max_iterations=200_000, seed=1, on_progress=seen.append)
    assert seen
    iterations = [p.iterations for p in seen]
    assert iterations == sorted(set(iterations)) and iterations[-1] <= result.iterations
    assert result.iterations == 200_000
    # The best so far never gets worse, and the result is at least as good as the last report.
    bests = [(p.best_hard, p.best_soft) for p in seen]
    assert bests == sorted(bests, reverse=True)
    assert (result.hard_violations, result.objective) <= bests[-1]


def test_resolve_with_unavailable_teacher_and_minimal_perturbation(comp01):
    base = solve(comp01, max_iterations=600_000, seed=1)
    assert base.hard_violations == 0
    # the teacher of the first lecture becomes unavailable at that lecture's time
    first = base.solution.assignments[0]
    teacher = comp01.courses[comp01.course_index[first.course]].teacher
    changed = comp01.with_restrictions(
        unavailable=comp01.teacher_unavailable(teacher, first.day, first.slot),
        closed_rooms=[(first.room, 0, 0)],
    )
    previous = Previous(base.solution, moved_weight=10)
    result = solve(
        changed, max_iterations=300_000, seed=1, initial=base.solution, previous=previous
    )
    report = check(changed, result.solution, previous=base.solution)
    assert report.feasible
    moved_taught = {(a.course, a.day, a.slot) for a in result.solution}
    assert (first.course, first.day, first.slot) not in moved_taught
    # strongly penalised: only a few lectures move
    assert 1 <= report.moved_lectures <= 15
    assert result.moved_lectures == report.moved_lectures


def test_frozen_lectures_stay(comp01):
    base = solve(comp01, max_iterations=200_000, seed=4)
    frozen = base.solution.assignments[:10]
    result = solve(comp01, max_iterations=200_000, seed=9, initial=None, frozen=frozen)
    placed = set(result.solution.assignments)
    assert all(a in placed for a in frozen)
    assert len(result.solution) == comp01.total_lectures


def test_room_constraints_respected(toy_example):
    inst = toy_example.with_restrictions(room_constraints=[("TecCos", "A"), ("SceCosC", "B")])
    result = solve(inst, max_iterations=200_000, seed=1)
    assert check(inst, result.solution).feasible
    assert all(a.room == "B" for a in result.solution if a.course == "TecCos")
    assert not any(a.room == "B" for a in result.solution if a.course == "SceCosC")
    assert np.all(inst.room_allowed.sum(axis=1) >= 1)


def test_frozen_assignment_must_be_placeable(toy_example):
    bad = [Assignment("ArcTec", "A", 4, 0)]  # ArcTec is unavailable on day 4
    try:
        solve(toy_example, max_iterations=1000, frozen=bad)
    except ValueError as e:
        assert "frozen" in str(e)
    else:
        raise AssertionError("expected ValueError")
