from scheduling.conflicts import ProposedChange, check_change
from scheduling.snapshot import LectureInfo

from ..conftest import small_campus  # noqa: TID252


def lectures():
    return [
        LectureInfo("s-math", 1, 1, 1, "r-101", "t-wang"),
        LectureInfo("s-math", 2, 3, 1, "r-101", "t-wang"),
        LectureInfo("s-eng", 1, 2, 1, "r-102", "t-li"),
        LectureInfo("s-py", 1, 2, 2, "r-lab", "t-zhao"),
        LectureInfo("s-phy", 1, 4, 3, "r-102", "t-wang"),
    ]


def kinds(conflicts):
    return sorted(c.kind for c in conflicts)


def test_safe_move_has_no_conflicts():
    ct = small_campus()
    assert check_change(ct, lectures(), ProposedChange("s-math", 1, slot=(5, 4))) == []


def test_teacher_busy_and_room_busy():
    ct = small_campus()
    found = check_change(ct, lectures(), ProposedChange("s-math", 1, slot=(4, 3), room_id="r-102"))
    # room 102 seats 20, Math A needs 25
    assert kinds(found) == ["room_busy", "room_too_small", "teacher_busy"]
    assert all(c.other_section_id == "s-phy" for c in found if c.kind.endswith("busy"))
    assert "Thu p3" in found[0].message


def test_student_group_clash_and_teacher_unavailable():
    ct = small_campus()
    found = check_change(ct, lectures(), ProposedChange("s-eng", 1, slot=(1, 1), room_id="r-lab"))
    assert "student_group_clash" in kinds(found)   # Math A shares group g1 at Mon p1
    assert "teacher_unavailable" in kinds(found)   # 李老师 is off Monday morning
    clash = next(c for c in found if c.kind == "student_group_clash")
    assert clash.other_section_id == "s-math" and "g1" in clash.message


def test_room_too_small_and_lacks_feature():
    ct = small_campus()
    found = check_change(ct, lectures(), ProposedChange("s-py", 1, room_id="r-102"))
    assert kinds(found) == ["room_lacks_feature", "room_too_small"]
    lacks = next(c for c in found if c.kind == "room_lacks_feature")
    assert "computers" in lacks.message and "缺少设备" in lacks.message_zh


def test_unqualified_teacher_and_student_clash():
    ct = small_campus(students={"s-math": frozenset({"stu-1"}), "s-py": frozenset({"stu-1"})})
    found = check_change(ct, lectures(), ProposedChange("s-math", 1, slot=(2, 2), room_id="r-101",
                                                        teacher_id="t-li"))
    assert "teacher_not_qualified" in kinds(found)
    assert "student_clash" in kinds(found)


def test_slot_outside_grid():
    ct = small_campus()
    found = check_change(ct, lectures(), ProposedChange("s-math", 1, slot=(7, 1)))
    assert "no_such_slot" in kinds(found)
