"""Survey (问卷) rules, pure: question kinds, checking a questionnaire and one customer's
answers to it, and the satisfaction figures of a survey's answers."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence

from .common import invalid, text

KINDS = ("single_choice", "multiple_choice", "rating", "text")
RATINGS = range(1, 6)
MAX_QUESTIONS = 100
MAX_OPTIONS = 20
QUESTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclasses.dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = False

    def as_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "text": self.text,
                "options": list(self.options), "required": self.required}

    @classmethod
    def from_json(cls, data: Mapping) -> Question:
        return cls(data["id"], data["kind"], data["text"], tuple(data.get("options", ())),
                   bool(data.get("required")))


def _text(field: str, value: str, limit: int, zh: str) -> str:
    return text(field, value, limit, zh, required=True)


def check_questions(questions: Sequence[Question]) -> list[Question]:
    """The questionnaire as stored: ids given or q1, q2, ...; choice questions with 2-20
    distinct options, the others with none."""
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        raise invalid("questions", f"a survey has 1-{MAX_QUESTIONS} questions",
                      f"问卷须有 1–{MAX_QUESTIONS} 个问题")
    checked, ids = [], set()
    for i, q in enumerate(questions, 1):
        qid = q.id or f"q{i}"
        if not QUESTION_ID.match(qid) or qid in ids:
            raise invalid("questions", f"question id {qid!r} is invalid or repeated",
                          f"问题编号无效或重复: {qid}")
        ids.add(qid)
        if q.kind not in KINDS:
            raise invalid("questions", f"question kind must be one of {', '.join(KINDS)}",
                          "问题类型无效")
        text = _text("questions", q.text, 500, "问题")
        options = tuple(_text("questions", o, 100, "选项") for o in q.options)
        if q.kind.endswith("_choice"):
            if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
                raise invalid("questions", f"a choice question has 2-{MAX_OPTIONS} distinct "
                              "options", f"选择题须有 2–{MAX_OPTIONS} 个不重复的选项")
        elif options:
            raise invalid("questions", "only choice questions have options", "仅选择题可设选项")
        checked.append(Question(qid, q.kind, text, options, q.required))
    return checked


@dataclasses.dataclass(frozen=True)
class Answer:
    question_id: str
    choices: tuple[str, ...] = ()
    rating: int = 0
    text: str = ""


def check_answers(questions: Sequence[Question], answers: Iterable[Answer]) -> dict[str, object]:
    """One customer's answers as stored ({question id: option | [options] | rating | text}):
    every required question answered, each answer of its question's kind."""
    by_id = {q.id: q for q in questions}
    stored: dict[str, object] = {}
    for a in answers:
        q = by_id.get(a.question_id)
        if q is None or a.question_id in stored:
            raise invalid("answers", f"unknown or repeated question {a.question_id!r}",
                          f"未知或重复的问题: {a.question_id}")
        if q.kind == "rating":
            if a.rating not in RATINGS or a.choices or a.text:
                raise invalid("answers", f"{q.id}: a rating is 1-5", f"{q.id}：评分须为 1–5")
            stored[q.id] = a.rating
        elif q.kind == "text":
            if a.choices or a.rating:
                raise invalid("answers", f"{q.id}: a text answer", f"{q.id}：须为文字回答")
            value = text("answers", a.text, 2000, "回答", multiline=True)
            if value:
                stored[q.id] = value
        else:
            choices = list(dict.fromkeys(a.choices))
            if (a.rating or a.text or not choices or any(c not in q.options for c in choices)
                    or (q.kind == "single_choice" and len(choices) != 1)):
                raise invalid("answers", f"{q.id}: choose among the question's options",
                              f"{q.id}：须从选项中选择")
            stored[q.id] = choices[0] if q.kind == "single_choice" else choices
    missing = [q.id for q in questions if q.required and q.id not in stored]
    if missing:
        raise invalid("answers", f"required questions unanswered: {', '.join(missing)}",
                      f"必答题未回答: {', '.join(missing)}")
    return stored


@dataclasses.dataclass
class QuestionFigures:
    question_id: str
    kind: str
    answered: int = 0
    rating_sum: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def average_rating(self) -> float:
        return round(self.rating_sum / self.answered, 4) if (
            self.kind == "rating" and self.answered) else 0.0


@dataclasses.dataclass
class SurveyFigures:
    responses: int
    average_rating: float          # over every rating answer (0 when none)
    satisfied_share: float         # ratings of 4 or 5 / rating answers
    rating_distribution: dict[str, int]
    questions: list[QuestionFigures]


def figures(questions: Sequence[Question], responses: Iterable[Mapping[str, object]]
            ) -> SurveyFigures:
    """Satisfaction figures of stored answers (check_answers' form)."""
    per = {q.id: QuestionFigures(q.id, q.kind, counts=(
        {str(r): 0 for r in RATINGS} if q.kind == "rating" else
        {o: 0 for o in q.options} if q.kind.endswith("_choice") else {}))
        for q in questions}
    distribution = {str(r): 0 for r in RATINGS}
    count = 0
    for answers in responses:
        count += 1
        for qid, value in answers.items():
            f = per.get(qid)
            if f is None:
                continue
            f.answered += 1
            if f.kind == "rating":
                f.rating_sum += int(value)
                f.counts[str(value)] += 1
                distribution[str(value)] += 1
            elif f.kind == "single_choice":
                f.counts[str(value)] = f.counts.get(str(value), 0) + 1
            elif f.kind == "multiple_choice":
                for option in value:
                    f.counts[option] = f.counts.get(option, 0) + 1
    rated = sum(distribution.values())
    total = sum(int(r) * n for r, n in distribution.items())
    return SurveyFigures(
        responses=count,
        average_rating=round(total / rated, 4) if rated else 0.0,
        satisfied_share=round((distribution["4"] + distribution["5"]) / rated, 4) if rated
        else 0.0,
        rating_distribution=distribution, questions=list(per.values()))
