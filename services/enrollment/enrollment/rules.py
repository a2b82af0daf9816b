"""Enrollment's pure rules (no database): categories, prices and discounts, prerequisites,
commission ratios, and what each enrollment change does to its hours. Integer fen, integer
lesson hours, never floats."""
from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence

from kit.errors import FailedPrecondition, InvalidArgument

CATEGORIES = ("new_training", "retraining", "trial")
ORDER_KINDS = ("lesson_hours", "class", "bundle")
BASIS_POINTS = 10_000

# Enrollment statuses and the changes between them.
ACTIVE, SUSPENDED, WITHDRAWN, DROPPED_OUT = "active", "suspended", "withdrawn", "dropped_out"
ENDED = (WITHDRAWN, DROPPED_OUT)
CHANGES = ("transferred", "suspended", "resumed", "withdrawn", "dropped_out", "renewed")


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise InvalidArgument(f"category must be one of {', '.join(CATEGORIES)}",
                              reason="invalid.category",
                              message_zh="课程类别须为 new_training（新训）、retraining（复训）"
                                         "或 trial（试听）")
    return category


def check_course_shape(*, stage: int, prerequisite_course_id: str | None, lesson_hours: int,
                       price_fen: int, course_id: str) -> None:
    if lesson_hours <= 0:
        raise InvalidArgument("lesson_hours must be positive", reason="invalid.lesson_hours",
                              message_zh="课时数须为正整数")
    if price_fen < 0:
        raise InvalidArgument("price_fen must not be negative", reason="invalid.price_fen",
                              message_zh="价格不能为负")
    if stage < 0:
        raise InvalidArgument("stage must not be negative", reason="invalid.stage",
                              message_zh="阶段不能为负")
    if stage > 1 and not prerequisite_course_id:
        raise InvalidArgument("a stage after the first names its prerequisite course",
                              reason="invalid.prerequisite_course_id",
                              message_zh="第二阶段及以后的课程须指定前置课程")
    if prerequisite_course_id == course_id:
        raise InvalidArgument("a course cannot be its own prerequisite",
                              reason="invalid.prerequisite_course_id",
                              message_zh="课程不能以自身为前置课程")


@dataclasses.dataclass(frozen=True)
class Ratio:
    role: str
    channel_tier: str  # "" = any tier
    ratio_bp: int


def check_ratios(ratios: Iterable[Ratio]) -> list[Ratio]:
    seen: set[tuple[str, str]] = set()
    out = []
    for r in ratios:
        if not r.role:
            raise InvalidArgument("a commission ratio names its role", reason="invalid.role",
                                  message_zh="分成比例须指定角色")
        if not 0 <= r.ratio_bp <= BASIS_POINTS:
            raise InvalidArgument("ratio_bp is 0..10000 basis points",
                                  reason="invalid.ratio_bp",
                                  message_zh="分成比例须在 0 到 10000 个基点之间")
        if (r.role, r.channel_tier) in seen:
            raise InvalidArgument("one ratio per role and channel tier",
                                  reason="invalid.ratios",
                                  message_zh="每个角色与渠道分类只能有一个分成比例")
        seen.add((r.role, r.channel_tier))
        out.append(r)
    return out


def applicable_ratios(ratios: Iterable[Ratio], channel_tier: str | None) -> list[Ratio]:
    """The ratios an order at `channel_tier` uses: per role, the tier's own ratio, else the
    role's any-tier ratio."""
    by_role: dict[str, Ratio] = {}
    for r in ratios:
        if channel_tier and r.channel_tier == channel_tier:
            by_role[r.role] = r
    for r in ratios:
        if r.channel_tier == "" and r.role not in by_role:
            by_role[r.role] = r
    return [by_role[k] for k in sorted(by_role)]


def hours_price(package_price_fen: int, package_hours: int, hours: int) -> int:
    """The list price of `hours` hours of a course sold by packages: pro rata, rounded
    half up to the fen (integers only)."""
    if hours <= 0:
        raise InvalidArgument("lesson_hours must be positive", reason="invalid.lesson_hours",
                              message_zh="课时数须为正整数")
    return (package_price_fen * hours * 2 + package_hours) // (package_hours * 2)


@dataclasses.dataclass(frozen=True)
class Pricing:
    list_price_fen: int
    discount_fen: int
    price_fen: int
    deposit_fen: int
    needs_approval: bool


def price(list_price_fen: int, discount_fen: int, deposit_fen: int, *,
          discount_limit_bp: int) -> Pricing:
    """The order's price after its discount; a discount above `discount_limit_bp` of the
    list price needs a manager's approval before the order stands."""
    if discount_fen < 0 or discount_fen > list_price_fen:
        raise InvalidArgument("discount_fen is between 0 and the list price",
                              reason="invalid.discount_fen",
                              message_zh="优惠金额须在 0 与原价之间")
    final = list_price_fen - discount_fen
    if deposit_fen < 0 or deposit_fen > final:
        raise InvalidArgument("deposit_fen is between 0 and the price",
                              reason="invalid.deposit_fen",
                              message_zh="订金须在 0 与成交价之间")
    needs = discount_fen * BASIS_POINTS > list_price_fen * discount_limit_bp
    return Pricing(list_price_fen, discount_fen, final, deposit_fen, needs)


@dataclasses.dataclass(frozen=True)
class CourseStep:
    """What the prerequisite check needs of a course."""
    id: str
    name: str
    prerequisite_course_id: str | None


def check_prerequisites(courses: Sequence[CourseStep], completed: Collection[str]) -> None:
    """Each course's prerequisite is among the customer's enrollments (`completed`: course
    ids of their enrollments that did not end by withdrawal) or sold earlier in the same
    order (a bundle of stage 1 + stage 2)."""
    have = set(completed)
    for course in courses:
        needed = course.prerequisite_course_id
        if needed and needed not in have:
            raise FailedPrecondition(
                f"{course.name} requires the customer to be enrolled in {needed} first",
                reason="enrollment.prerequisite_missing",
                message_zh=f"报读「{course.name}」须先报读前置课程 {needed}")
        have.add(course.id)


@dataclasses.dataclass(frozen=True)
class ChangeEffect:
    status: str
    change: str
    hours_delta: int  # added to purchased hours (negative: hours taken away)


def _not_allowed(action: str, action_zh: str, status: str) -> FailedPrecondition:
    return FailedPrecondition(f"cannot {action} an enrollment that is {status}",
                              reason="enrollment.change_not_allowed",
                              message_zh=f"当前报名状态（{status}）不能{action_zh}")


def suspend(status: str) -> ChangeEffect:
    if status != ACTIVE:
        raise _not_allowed("suspend", "休学", status)
    return ChangeEffect(SUSPENDED, "suspended", 0)


def resume(status: str) -> ChangeEffect:
    if status != SUSPENDED:
        raise _not_allowed("resume", "复学", status)
    return ChangeEffect(ACTIVE, "resumed", 0)


def withdraw(status: str, purchased: int, consumed: int) -> ChangeEffect:
    """Leaving: before any lesson is a withdrawal, after some a drop-out (中途下车); either
    way the remaining hours are taken away (finance refunds what is refundable)."""
    if status in ENDED:
        raise _not_allowed("withdraw", "退学", status)
    remaining = purchased - consumed
    if consumed == 0:
        return ChangeEffect(WITHDRAWN, "withdrawn", -remaining)
    return ChangeEffect(DROPPED_OUT, "dropped_out", -remaining)


def transfer(status: str, same_class: bool) -> ChangeEffect:
    """A transfer keeps the remaining hours (no hours move); joining mid-way is a transfer
    into a class that already started."""
    if status != ACTIVE:
        raise _not_allowed("transfer", "转班", status)
    if same_class:
        raise FailedPrecondition("the enrollment is already in that class",
                                 reason="enrollment.same_class",
                                 message_zh="该报名已在此班级")
    return ChangeEffect(ACTIVE, "transferred", 0)


def renew(status: str, hours: int) -> ChangeEffect:
    if status in ENDED:
        raise _not_allowed("renew", "续班", status)
    if hours <= 0:
        raise InvalidArgument("lesson_hours must be positive", reason="invalid.lesson_hours",
                              message_zh="课时数须为正整数")
    return ChangeEffect(status, "renewed", hours)


# --- attendance registrations (上课登记) ---------------------------------------------------

CARDS = ("new", "retrain", "trial")


@dataclasses.dataclass(frozen=True)
class CardChoice:
    card: str
    warning: str = ""
    warning_zh: str = ""


def card_for(requested: str, remaining_hours: int) -> CardChoice:
    """The card a registration goes on. The new-training card needs lesson hours left: a
    customer without any is registered on the retraining card instead, with a warning the
    seller sees."""
    if requested not in CARDS:
        raise InvalidArgument("card must be new, retrain or trial", reason="invalid.card",
                              message_zh="登记卡须为 new（新训）、retrain（复训）或 trial（试听）")
    if requested == "new" and remaining_hours <= 0:
        return CardChoice(
            "retrain",
            "The customer has no lesson hours left, so they cannot be registered for new "
            "training: registered on the retraining card instead.",
            "该客户课时余额为 0，不能登记新训，已改为登记复训。")
    return CardChoice(requested)


# --- the invitation pipeline -----------------------------------------------------------------

PIPELINE = ("not_attended", "invited", "prepared", "signed_in", "attended")


def advance(stage: str, to: str) -> str:
    """The next stage of an invitation: one step forward; signing in may come from any
    earlier stage (a walk-in); attended only after signed in."""
    if to not in PIPELINE:
        raise InvalidArgument(f"stage must be one of {', '.join(PIPELINE)}",
                              reason="invalid.stage", message_zh="邀约阶段无效")
    here, there = PIPELINE.index(stage), PIPELINE.index(to)
    if there == here + 1 or (to == "signed_in" and here < there):
        return to
    raise FailedPrecondition(f"an invitation that is {stage} cannot move to {to}",
                             reason="enrollment.invitation_stage",
                             message_zh=f"邀约当前为「{stage}」，不能改为「{to}」")
