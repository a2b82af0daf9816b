from scheduling.placement import SectionOption, choose_section
from scheduling.snapshot import SectionInfo


def section(id_, capacity=2, name=None):
    return SectionInfo(id=id_, name=name or id_.upper(), course_id="math", lessons_per_week=2,
                       capacity=capacity)


def test_no_section_for_course():
    decision = choose_section("math", [], {})
    assert not decision.placed
    assert [r.reason for r in decision.rejections] == ["no_section"]


def test_picks_section_with_most_free_seats_without_clash():
    a = SectionOption(section("a", capacity=10), ((1, 1), (3, 1)), placed=8)
    b = SectionOption(section("b", capacity=10), ((2, 1), (4, 1)), placed=2)
    decision = choose_section("math", [a, b], busy={})
    assert decision.section_id == "b"


def test_full_and_clash_reasons_are_reported():
    full = SectionOption(section("a", capacity=2), ((1, 1),), placed=2)
    clashing = SectionOption(section("b", capacity=5), ((2, 2), (4, 1)), placed=0)
    decision = choose_section("math", [full, clashing], busy={(2, 2): "English A"})
    assert not decision.placed
    reasons = {r.section_id: r for r in decision.rejections}
    assert reasons["a"].reason == "full"
    assert reasons["b"].reason == "clash"
    assert "clashes with English A at Tue p2" in reasons["b"].message
    assert "周二第2节" in reasons["b"].message_zh


def test_skips_unpublished_and_clashing_then_places():
    unpublished = SectionOption(section("a", capacity=9), (), placed=0, published=False)
    clash = SectionOption(section("b", capacity=8), ((1, 1),), placed=0)
    fits = SectionOption(section("c", capacity=3), ((5, 3),), placed=1)
    decision = choose_section("math", [unpublished, clash, fits], busy={(1, 1): "Physics"})
    assert decision.section_id == "c"
    assert [r.reason for r in decision.rejections] == ["not_published", "clash"]
