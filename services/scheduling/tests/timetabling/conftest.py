from __future__ import annotations

from pathlib import Path

import pytest
from scheduling.timetabling import Instance, load_instance, parse_instance

# Small public instances copied into the repository (see data/README.md).
DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def toy_example() -> Instance:
    return load_instance(DATA_DIR / "toy-example.ctt")


@pytest.fixture(scope="session")
def comp01() -> Instance:
    return load_instance(DATA_DIR / "comp01.ctt")


@pytest.fixture(scope="session")
def make_instance():
    """Factory of small instances written inline in tests."""
    return _make_instance


def _make_instance(courses: str, rooms: str, curricula: str = "", unavailable: str = "",
                   days: int = 2, periods_per_day: int = 3) -> Instance:
    """A small instance: sections as lines of whitespace-separated fields."""
    def block(text: str) -> list[str]:
        return [line.strip() for line in text.strip().splitlines() if line.strip()]
    c, r, q, u = block(courses), block(rooms), block(curricula), block(unavailable)
    text = "\n".join([
        "Name: Hand", f"Courses: {len(c)}", f"Rooms: {len(r)}", f"Days: {days}",
        f"Periods_per_day: {periods_per_day}", f"Curricula: {len(q)}", f"Constraints: {len(u)}", "",
        "COURSES:", *c, "", "ROOMS:", *r, "", "CURRICULA:", *q, "",
        "UNAVAILABILITY_CONSTRAINTS:", *u, "", "END."])
    return parse_instance(text)


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels(toy_example: Instance) -> None:
    """Compile (or load from the numba cache) the solver's kernels once, before any test
    measures time: with a cold cache, compiling takes longer than the deadlines tested."""
    from scheduling.timetabling import solve

    solve(toy_example, max_iterations=1000, seed=0)
