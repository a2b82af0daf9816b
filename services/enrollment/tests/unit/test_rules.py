"""Enrollment's pure rules: prices and discount approval, prerequisites, commission ratios,
and what each enrollment change does to status and hours."""
from __future__ import annotations

import pytest
from enrollment import rules
from kit.errors import FailedPrecondition, InvalidArgument


def test_discount_within_the_limit_stands_beyond_it_needs_approval():
    at_limit = rules.price(100_000, 10_000, 20_000, discount_limit_bp=1000)
    assert (at_limit.price_fen, at_limit.needs_approval) == (90_000, False)
    beyond = rules.price(100_000, 10_001, 0, discount_limit_bp=1000)
    assert (beyond.price_fen, beyond.needs_approval) == (89_999, True)
    free = rules.price(0, 0, 0, discount_limit_bp=1000)
    assert (free.price_fen, free.needs_approval) == (0, False)


@pytest.mark.parametrize("discount, deposit, field", [
    (-1, 0, "invalid.discount_fen"), (100_001, 0, "invalid.discount_fen"),
    (0, -1, "invalid.deposit_fen"), (50_000, 50_001, "invalid.deposit_fen")])
def test_discount_and_deposit_bounds(discount, deposit, field):
    with pytest.raises(InvalidArgument) as refused:
        rules.price(100_000, discount, deposit, discount_limit_bp=1000)
    assert refused.value.reason == field


def test_hours_price_is_pro_rata_in_integer_fen():
    assert rules.hours_price(1_280_000, 24, 24) == 1_280_000
    assert rules.hours_price(1_280_000, 24, 12) == 640_000
    # 100 fen for 3 hours: one hour is 33.33 -> 33, two hours 66.67 -> 67 (half up)
    assert rules.hours_price(100, 3, 1) == 33
    assert rules.hours_price(100, 3, 2) == 67
    with pytest.raises(InvalidArgument):
        rules.hours_price(100, 3, 0)


STAGES = [rules.CourseStep("s1", "Stage 1", None), rules.CourseStep("s2", "Stage 2", "s1"),
          rules.CourseStep("s3", "Stage 3", "s2")]


def test_prerequisites():
    rules.check_prerequisites(STAGES[:1], set())
    rules.check_prerequisites(STAGES[1:2], {"s1"})
    rules.check_prerequisites(STAGES, set())  # a bundle of all three stages, in order
    with pytest.raises(FailedPrecondition) as refused:
        rules.check_prerequisites(STAGES[1:2], set())
    assert refused.value.reason == "enrollment.prerequisite_missing"
    assert "Stage 2" in refused.value.message_zh
    with pytest.raises(FailedPrecondition):
        rules.check_prerequisites([STAGES[2], STAGES[1]], {"s1"})  # stage 3 before 2
    with pytest.raises(FailedPrecondition):
        rules.check_prerequisites(STAGES[2:], {"s1"})


def test_course_shape():
    rules.check_course_shape(stage=2, prerequisite_course_id="s1", lesson_hours=1,
                             price_fen=0, course_id="s2")
    for kwargs, reason in [
            ({"stage": 2, "prerequisite_course_id": None}, "invalid.prerequisite_course_id"),
            ({"prerequisite_course_id": "me"}, "invalid.prerequisite_course_id"),
            ({"lesson_hours": 0}, "invalid.lesson_hours"),
            ({"price_fen": -1}, "invalid.price_fen")]:
        args = {"stage": 1, "prerequisite_course_id": None, "lesson_hours": 10,
                "price_fen": 100, "course_id": "me", **kwargs}
        with pytest.raises(InvalidArgument) as refused:
            rules.check_course_shape(**args)
        assert refused.value.reason == reason
    with pytest.raises(InvalidArgument):
        rules.check_category("vip")
    assert rules.check_category("trial") == "trial"


def test_ratios_per_tier_fall_back_to_the_any_tier_ratio():
    table = [rules.Ratio("seller", "", 800), rules.Ratio("channel", "city_partner", 1500),
             rules.Ratio("channel", "", 500), rules.Ratio("seller", "city_partner", 600)]
    assert rules.applicable_ratios(table, "city_partner") == [
        rules.Ratio("channel", "city_partner", 1500), rules.Ratio("seller", "city_partner", 600)]
    assert rules.applicable_ratios(table, "hq") == [
        rules.Ratio("channel", "", 500), rules.Ratio("seller", "", 800)]
    assert rules.applicable_ratios(table, None) == [
        rules.Ratio("channel", "", 500), rules.Ratio("seller", "", 800)]
    with pytest.raises(InvalidArgument):
        rules.check_ratios([rules.Ratio("seller", "", 800), rules.Ratio("seller", "", 700)])
    with pytest.raises(InvalidArgument):
        rules.check_ratios([rules.Ratio("seller", "", 10_001)])


def test_hours_effects_of_changes():
    assert rules.suspend("active") == rules.ChangeEffect("suspended", "suspended", 0)
    assert rules.resume("suspended") == rules.ChangeEffect("active", "resumed", 0)
    # leaving before any lesson is a withdrawal, after some a drop-out: the rest is taken
    assert rules.withdraw("active", 40, 0) == rules.ChangeEffect("withdrawn", "withdrawn", -40)
    assert rules.withdraw("suspended", 40, 6) == rules.ChangeEffect("dropped_out",
                                                                    "dropped_out", -34)
    assert rules.transfer("active", False) == rules.ChangeEffect("active", "transferred", 0)
    assert rules.renew("active", 10) == rules.ChangeEffect("active", "renewed", 10)
    assert rules.renew("suspended", 10) == rules.ChangeEffect("suspended", "renewed", 10)


@pytest.mark.parametrize("call", [
    lambda: rules.suspend("suspended"), lambda: rules.resume("active"),
    lambda: rules.withdraw("withdrawn", 10, 0), lambda: rules.withdraw("dropped_out", 10, 5),
    lambda: rules.transfer("suspended", False), lambda: rules.renew("withdrawn", 5)])
def test_changes_refused_in_the_wrong_state(call):
    with pytest.raises(FailedPrecondition) as refused:
        call()
    assert refused.value.reason == "enrollment.change_not_allowed"


def test_transfer_into_the_same_class_and_renew_without_hours():
    with pytest.raises(FailedPrecondition) as same:
        rules.transfer("active", True)
    assert same.value.reason == "enrollment.same_class"
    with pytest.raises(InvalidArgument):
        rules.renew("active", 0)


def test_the_new_training_card_needs_hours_left():
    assert rules.card_for("new", 5) == rules.CardChoice("new")
    forced = rules.card_for("new", 0)
    assert forced.card == "retrain"
    assert "no lesson hours left" in forced.warning and "不能登记新训" in forced.warning_zh
    assert rules.card_for("retrain", 0) == rules.CardChoice("retrain")
    assert rules.card_for("trial", 0) == rules.CardChoice("trial")
    with pytest.raises(InvalidArgument) as refused:
        rules.card_for("vip", 3)
    assert refused.value.reason == "invalid.card"


def test_pipeline_transitions():
    assert rules.advance("not_attended", "invited") == "invited"
    assert rules.advance("invited", "prepared") == "prepared"
    assert rules.advance("prepared", "signed_in") == "signed_in"
    assert rules.advance("not_attended", "signed_in") == "signed_in"  # a walk-in
    assert rules.advance("signed_in", "attended") == "attended"
    for stage, to in (("not_attended", "prepared"), ("invited", "attended"),
                      ("attended", "invited"), ("signed_in", "signed_in"),
                      ("prepared", "invited")):
        with pytest.raises(FailedPrecondition) as refused:
            rules.advance(stage, to)
        assert refused.value.reason == "enrollment.invitation_stage"
    with pytest.raises(InvalidArgument):
        rules.advance("invited", "gone")
