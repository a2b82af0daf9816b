"""Instance and solution formats: parsing, validation, round trips."""
from __future__ import annotations

import pytest
from scheduling.timetabling import (
    Assignment,
    InstanceFormatError,
    Solution,
    SolutionFormatError,
    format_instance,
    format_solution,
    load_instance,
    load_solution,
    parse_instance,
    parse_solution,
    write_solution,
)


def test_parses_toy_example(toy_example):
    inst = toy_example
    assert (inst.name, inst.days, inst.periods_per_day) == ("ToyExample", 5, 4)
    assert [c.name for c in inst.courses] == ["SceCosC", "ArcTec", "TecCos", "Geotec"]
    assert inst.courses[2].teacher == "Rosa" and inst.courses[2].lectures == 5
    assert inst.courses[2].min_working_days == 4 and inst.courses[2].students == 40
    assert [(r.name, r.capacity) for r in inst.rooms] == [("A", 32), ("B", 50)]
    assert inst.curricula[1].courses == ("TecCos", "Geotec")
    assert ("TecCos", 2, 0) in inst.unavailable and len(inst.unavailable) == 8
    assert inst.total_lectures == 16
    assert not inst.available[inst.course_index["ArcTec"], inst.period(4, 3)]
    assert inst.conflicts[0, 1] and inst.conflicts[2, 3] and not inst.conflicts[0, 3]


@pytest.mark.parametrize("name", ["comp01", "comp05", "DDS7", "EA04", "Udine5", "toy"])
def test_parses_benchmark_files_and_round_trips(data_dir, name):
    inst = load_instance(data_dir / f"{name}.ctt")
    again = parse_instance(format_instance(inst))
    assert again.courses == inst.courses and again.rooms == inst.rooms
    assert again.curricula == inst.curricula and again.unavailable == inst.unavailable


def test_ectt_round_trip_keeps_room_constraints(toy_example):
    inst = toy_example.with_restrictions(room_constraints=[("Geotec", "B")])
    text = format_instance(inst, extended=True)
    assert "Min_Max_Daily_Lectures" in text and "ROOM_CONSTRAINTS:" in text
    again = parse_instance(text)
    assert again.room_constraints == {("Geotec", "B")}
    assert not again.room_allowed[again.course_index["Geotec"], again.room_index["B"]]


def test_rejects_inconsistent_header(toy_example):
    text = format_instance(toy_example).replace("Courses: 4", "Courses: 5")
    with pytest.raises(InstanceFormatError, match="header says 5 courses"):
        parse_instance(text)


def test_rejects_unknown_course_in_curriculum(toy_example):
    text = format_instance(toy_example).replace("Cur2 2 TecCos Geotec", "Cur2 2 TecCos Nope")
    with pytest.raises(InstanceFormatError, match="unknown course"):
        parse_instance(text)


def test_solution_round_trip(tmp_path, data_dir, toy_example):
    sol = load_solution(data_dir / "toy-example.sol", toy_example)
    assert len(sol) == 16 and sol.assignments[0] == Assignment("SceCosC", "B", 3, 0)
    path = tmp_path / "out.sol"
    write_solution(sol, path)
    assert load_solution(path, toy_example) == sol
    assert path.read_text() == (data_dir / "toy-example.sol").read_text().rstrip("\n") + "\n"


@pytest.mark.parametrize("line, message", [
    ("Nope A 0 0", "unknown course"), ("ArcTec Z 0 0", "unknown room"),
    ("ArcTec A 5 0", "out of range"), ("ArcTec A 0", "expected"), ("ArcTec A x 0", "integers")])
def test_solution_errors_name_the_line(toy_example, line, message):
    with pytest.raises(SolutionFormatError, match=message):
        parse_solution(f"ArcTec A 0 0\n{line}\n", toy_example)


def test_format_solution_one_lecture_a_line():
    sol = Solution.of([("C1", "R1", 0, 1), ("C2", "R2", 1, 0)])
    assert format_solution(sol) == "C1 R1 0 1\nC2 R2 1 0\n"
