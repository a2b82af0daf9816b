"""Survey rules: questionnaire and answer checks, satisfaction figures."""
from __future__ import annotations

import pytest
from kit.errors import InvalidArgument
from leads.network import survey_rules as rules

Q = rules.Question
QUESTIONS = rules.check_questions([
    Q("", "rating", "总体满意度", required=True),
    Q("", "single_choice", "渠道", ("朋友", "广告")),
    Q("", "multiple_choice", "兴趣", ("管理", "财务", "营销")),
    Q("note", "text", "建议"),
])


def test_question_ids_default_in_order():
    assert [q.id for q in QUESTIONS] == ["q1", "q2", "q3", "note"]


@pytest.mark.parametrize("questions", [
    [], [Q("", "single_choice", "x", ("a",))], [Q("", "single_choice", "x", ("a", "a"))],
    [Q("", "text", "x", ("a", "b"))], [Q("", "scale", "x")], [Q("", "rating", "")],
    [Q("a", "rating", "x"), Q("a", "rating", "y")], [Q("bad id", "rating", "x")]])
def test_bad_questionnaires(questions):
    with pytest.raises(InvalidArgument) as caught:
        rules.check_questions(questions)
    assert caught.value.reason == "invalid.questions"


A = rules.Answer


def test_answers_stored_by_kind():
    stored = rules.check_answers(QUESTIONS, [A("q1", rating=4), A("q2", ("朋友",)),
                                             A("q3", ("营销", "管理", "营销")),
                                             A("note", text=" 多开周末班 ")])
    assert stored == {"q1": 4, "q2": "朋友", "q3": ["营销", "管理"], "note": "多开周末班"}


@pytest.mark.parametrize("answers", [
    [A("q2", ("朋友",))],                                 # the required rating is missing
    [A("q1", rating=0)], [A("q1", rating=6)], [A("q1", ("5",))],
    [A("q1", rating=5), A("q2", ("朋友", "广告"))],         # one choice only
    [A("q1", rating=5), A("q3", ("体育",))],               # not an option
    [A("q1", rating=5), A("q3")],                          # no choice
    [A("q1", rating=5), A("note", rating=3)],
    [A("q1", rating=5), A("q9", rating=3)],                # unknown question
    [A("q1", rating=5), A("q1", rating=4)],                # repeated
])
def test_bad_answers(answers):
    with pytest.raises(InvalidArgument) as caught:
        rules.check_answers(QUESTIONS, answers)
    assert caught.value.reason == "invalid.answers"


def test_figures():
    f = rules.figures(QUESTIONS, [
        {"q1": 5, "q2": "朋友", "q3": ["管理", "营销"]},
        {"q1": 4, "q2": "广告"},
        {"q1": 2, "q3": ["管理"], "note": "太贵"},
        {"q1": 5},
    ])
    assert f.responses == 4
    assert f.rating_distribution == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2}
    assert (f.average_rating, f.satisfied_share) == (4.0, 0.75)
    q1, q2, q3, note = f.questions
    assert (q1.answered, q1.average_rating, q1.counts["5"]) == (4, 4.0, 2)
    assert (q2.answered, q2.counts) == (2, {"朋友": 1, "广告": 1})
    assert q3.counts == {"管理": 2, "财务": 0, "营销": 1}
    assert (note.answered, note.average_rating) == (1, 0.0)


def test_figures_of_no_answers():
    f = rules.figures(QUESTIONS, [])
    assert (f.responses, f.average_rating, f.satisfied_share) == (0, 0.0, 0.0)
    assert f.rating_distribution == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_average_rounds_to_four_places():
    f = rules.figures(QUESTIONS, [{"q1": 5}, {"q1": 4}, {"q1": 4}])
    assert f.average_rating == 4.3333
