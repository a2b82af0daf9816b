"""Reading and writing instances in the ITC-2007 `.ctt` format and its `.ectt` extension.

`.ectt` (Bonutti et al. 2012) adds Min_Max_Daily_Lectures, a double-lectures flag per course,
a building per room and ROOM_CONSTRAINTS. Room constraints are enforced as hard constraints;
the other additions are kept on the Instance but not scored (ITC-2007 rules, formulation UD2).
"""

from __future__ import annotations

import os
from pathlib import Path

from .instance import Course, Curriculum, Instance, Room


class InstanceFormatError(ValueError):
    pass


def load_instance(path: str | os.PathLike[str]) -> Instance:
    path = Path(path)
    return parse_instance(path.read_text(encoding="utf-8"), source=str(path))


def parse_instance(text: str, source: str = "<string>") -> Instance:
    """Parse `.ctt` or `.ectt` text (the flavour is recognised from the header)."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line]
    pos = 0

    def fail(n: int, msg: str) -> InstanceFormatError:
        return InstanceFormatError(f"{source}:{n}: {msg}")

    header: dict[str, str] = {}
    while pos < len(lines) and not lines[pos][1].endswith(":"):
        n, line = lines[pos]
        key, sep, value = line.partition(":")
        if not sep:
            raise fail(n, f"expected 'Key: value', got {line!r}")
        header[key.strip()] = value.strip()
        pos += 1

    def header_int(key: str) -> int:
        try:
            return int(header[key])
        except KeyError:
            raise InstanceFormatError(f"{source}: header lacks {key!r}") from None
        except ValueError:
            raise InstanceFormatError(f"{source}: header {key!r} is not an integer") from None

    extended = "Min_Max_Daily_Lectures" in header
    n_courses, n_rooms = header_int("Courses"), header_int("Rooms")
    days, ppd, n_curricula = (
        header_int("Days"),
        header_int("Periods_per_day"),
        header_int("Curricula"),
    )
    min_daily = max_daily = None
    if extended:
        try:
            min_daily, max_daily = (int(x) for x in header["Min_Max_Daily_Lectures"].split())
        except ValueError:
            raise InstanceFormatError(f"{source}: bad Min_Max_Daily_Lectures") from None

    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for n, line in lines[pos:]:
        if line == "END.":
            break
        if line.endswith(":") and " " not in line:
            current = line[:-1]
            sections.setdefault(current, [])
            continue
        if current is None:
            raise fail(n, f"data outside a section: {line!r}")
        sections[current].append((n, line.split()))
    else:
        raise InstanceFormatError(f"{source}: missing 'END.'")

    def ints(n: int, fields: list[str]) -> list[int]:
        try:
            return [int(f) for f in fields]
        except ValueError:
            raise fail(n, f"expected integers, got {fields}") from None

    courses = []
    for n, f in sections.get("COURSES", []):
        if len(f) < 5:
            raise fail(n, "course line needs: id teacher lectures min_working_days students")
        lectures, mwd, students = ints(n, f[2:5])
        double = bool(ints(n, f[5:6])[0]) if extended and len(f) > 5 else False
        courses.append(Course(f[0], f[1], lectures, mwd, students, double))
    rooms = []
    for n, f in sections.get("ROOMS", []):
        if len(f) < 2:
            raise fail(n, "room line needs: id capacity")
        rooms.append(Room(f[0], ints(n, f[1:2])[0], f[2] if len(f) > 2 else ""))
    curricula = []
    for n, f in sections.get("CURRICULA", []):
        if len(f) < 2 or ints(n, f[1:2])[0] != len(f) - 2:
            raise fail(n, "curriculum line needs: id n member_1 ... member_n")
        curricula.append(Curriculum(f[0], tuple(f[2:])))
    unavailable = set()
    for n, f in sections.get("UNAVAILABILITY_CONSTRAINTS", []):
        if len(f) != 3:
            raise fail(n, "unavailability line needs: course day period")
        d, s = ints(n, f[1:3])
        unavailable.add((f[0], d, s))
    room_constraints = set()
    for n, f in sections.get("ROOM_CONSTRAINTS", []):
        if len(f) != 2:
            raise fail(n, "room constraint line needs: course room")
        room_constraints.add((f[0], f[1]))

    for what, expected, got in (
        ("courses", n_courses, len(courses)),
        ("rooms", n_rooms, len(rooms)),
        ("curricula", n_curricula, len(curricula)),
    ):
        if expected != got:
            raise InstanceFormatError(f"{source}: header says {expected} {what}, found {got}")
    try:
        return Instance(
            name=header.get("Name", Path(source).stem),
            days=days,
            periods_per_day=ppd,
            courses=tuple(courses),
            rooms=tuple(rooms),
            curricula=tuple(curricula),
            unavailable=frozenset(unavailable),
            room_constraints=frozenset(room_constraints),
            min_daily_lectures=min_daily,
            max_daily_lectures=max_daily,
        )
    except ValueError as e:
        raise InstanceFormatError(f"{source}: {e}") from None


def format_instance(instance: Instance, extended: bool = False) -> str:
    """The instance as `.ctt` text (or `.ectt` when `extended`)."""
    inst = instance
    out = [
        f"Name: {inst.name}",
        f"Courses: {len(inst.courses)}",
        f"Rooms: {len(inst.rooms)}",
        f"Days: {inst.days}",
        f"Periods_per_day: {inst.periods_per_day}",
        f"Curricula: {len(inst.curricula)}",
    ]
    if extended:
        out.append(
            f"Min_Max_Daily_Lectures: {inst.min_daily_lectures or 0} "
            f"{inst.max_daily_lectures or inst.periods_per_day}"
        )
        out.append(f"UnavailabilityConstraints: {len(inst.unavailable)}")
        out.append(f"RoomConstraints: {len(inst.room_constraints)}")
    else:
        out.append(f"Constraints: {len(inst.unavailable)}")
    out += ["", "COURSES:"]
    for c in inst.courses:
        extra = f" {int(c.double_lectures)}" if extended else ""
        out.append(f"{c.name} {c.teacher} {c.lectures} {c.min_working_days} {c.students}{extra}")
    out += ["", "ROOMS:"]
    for r in inst.rooms:
        out.append(f"{r.name} {r.capacity}" + (f" {r.building or 0}" if extended else ""))
    out += ["", "CURRICULA:"]
    for q in inst.curricula:
        out.append(f"{q.name} {len(q.courses)} {' '.join(q.courses)}")
    out += ["", "UNAVAILABILITY_CONSTRAINTS:"]
    order = inst.course_index
    for c, d, s in sorted(inst.unavailable, key=lambda t: (order[t[0]], t[1], t[2])):
        out.append(f"{c} {d} {s}")
    if extended:
        out += ["", "ROOM_CONSTRAINTS:"]
        for c, r in sorted(inst.room_constraints, key=lambda t: (order[t[0]], t[1])):
            out.append(f"{c} {r}")
    out += ["", "END.", ""]
    return "\n".join(out)


def write_instance(instance: Instance, path: str | os.PathLike[str]) -> None:
    path = Path(path)
    Path(path).write_text(
        format_instance(instance, extended=path.suffix == ".ectt"), encoding="utf-8"
    )
