"""Background solving in the api process: a job row (queued → running → done | failed) with
progress and the best cost so far, run on a small thread pool (CP-SAT and the numba kernels
release the GIL, so gRPC calls keep being served). Jobs a restart interrupted are marked
failed at startup: nothing is left "running" forever."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from kit.db import Database
from sqlalchemy import update

from . import models as m
from . import repository, solver_adapter
from .instance_mapping import build_instance, solution_to_lectures

log = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL = 0.5  # seconds between progress rows writes


class SolveJobRunner:
    def __init__(self, db: Database, *, max_workers: int = 2) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="solve")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def recover(self) -> int:
        """Fail the jobs a previous process left queued or running."""
        with self.db.session() as s:
            return s.execute(update(m.SolveJob)
                             .where(m.SolveJob.status.in_(("queued", "running")))
                             .values(status="failed", error="interrupted by a restart",
                                     finished_at=dt.datetime.now(dt.UTC))).rowcount

    def submit(self, *, campus_id: str, term_id: str, time_limit: int, seed: int,
               requested_by: str | None) -> m.SolveJob:
        with self.db.session() as s:
            # map once now so bad input (no rooms, no teacher…) fails the call, not the job
            build_instance(repository.load_campus_term(s, campus_id, term_id))
            job = m.SolveJob(campus_id=campus_id, term_id=term_id, status="queued",
                             time_limit_seconds=time_limit, seed=seed, requested_by=requested_by)
            s.add(job)
        with self._lock:
            self._futures[job.id] = self._pool.submit(self._run, job.id)
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _set(self, job_id: str, **values) -> None:
        with self.db.session() as s:
            s.execute(update(m.SolveJob).where(m.SolveJob.id == job_id).values(**values))

    def _run(self, job_id: str) -> None:
        try:
            self._solve(job_id)
        except Exception as exc:  # recorded on the job: the caller polls GetSolveJob
            log.exception("solve job %s failed", job_id)
            self._set(job_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000],
                      finished_at=dt.datetime.now(dt.UTC))
        finally:
            with self._lock:
                self._futures.pop(job_id, None)

    def _solve(self, job_id: str) -> None:
        with self.db.session() as s:
            job = s.get(m.SolveJob, job_id)
            job.status, job.started_at = "running", dt.datetime.now(dt.UTC)
            campus_id, term_id = job.campus_id, job.term_id
            limit, seed = job.time_limit_seconds, job.seed
            mapped = build_instance(repository.load_campus_term(s, campus_id, term_id))
        last_write = [0.0]

        def on_progress(fraction: float, hard: int | None, soft: int | None) -> None:
            now = time.monotonic()
            if now - last_write[0] < PROGRESS_WRITE_INTERVAL:
                return
            last_write[0] = now
            values = {"progress_percent": int(max(0.0, min(fraction, 0.99)) * 100)}
            if hard is not None:
                values["best_hard"] = int(hard)
            if soft is not None:
                values["best_soft"] = int(soft)
            self._set(job_id, **values)

        outcome = solver_adapter.solve(mapped.instance, time_limit=limit, seed=seed,
                                       on_progress=on_progress)
        if outcome.solution is None:
            self._set(job_id, status="failed", progress_percent=100,
                      error="no feasible timetable found within the time limit "
                            "(无法在时限内找到可行课表)",
                      finished_at=dt.datetime.now(dt.UTC))
            return
        with self.db.session() as s:
            lectures = solution_to_lectures(mapped, outcome.solution)
            timetable = repository.save_timetable(
                s, campus_id, term_id, lectures, status="draft",
                hard=outcome.report.hard_violations, soft=outcome.report.soft_cost)
            s.execute(update(m.SolveJob).where(m.SolveJob.id == job_id).values(
                status="done", progress_percent=100, timetable_id=timetable.id,
                best_hard=outcome.report.hard_violations, best_soft=outcome.report.soft_cost,
                finished_at=dt.datetime.now(dt.UTC)))
        log.info("solve job %s done with %s: hard %d soft %d", job_id, outcome.solver,
                 outcome.report.hard_violations, outcome.report.soft_cost)
