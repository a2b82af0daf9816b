"""Pure rules of a customer record and of the search index."""
from __future__ import annotations

import datetime as dt

import pytest
from kit.errors import InvalidArgument
from leads.customers import claims, rules, search

from ..support import id_number


def test_new_profile_normalises_keys_and_derives_the_birth_date():
    card = id_number("11010519851120002")
    p = rules.new_profile({"name": " 李 娜 ", "phones": ["139-0000-0001", "+8613900000001",
                                                        "13900000002"],
                           "id_card": card.lower(), "email": "Li.Na@Example.COM",
                           "roles": ["student", "payer", "student"], "tags": ["vip", "vip"]})
    assert p.name == "李 娜" and rules.name_key(p.name) == "李娜"
    assert p.phones == ["+8613900000001", "+8613900000002"]  # the repeat dropped, order kept
    assert p.id_card == card and p.birth_date == dt.date(1985, 11, 20)
    assert (p.email, p.roles, p.tags, p.stage, p.valid) == (
        "li.na@example.com", ["student", "payer"], ["vip"], "lead", True)


@pytest.mark.parametrize("values, reason", [
    ({"name": "无号码"}, "invalid.phone"),
    ({"name": "", "phones": ["13900000001"]}, "invalid.name"),
    ({"name": "x", "phones": ["1390000000"]}, "invalid.phone"),
    ({"name": "x", "phones": [f"1390000000{i}" for i in range(6)]}, "invalid.phone"),
    ({"name": "x", "id_card": "110105198511200021"}, "invalid.id_card"),
    ({"name": "x", "phones": ["13900000001"], "roles": ["teacher"]}, "invalid.roles"),
    ({"name": "x", "phones": ["13900000001"], "gender": "m"}, "invalid.gender"),
    ({"name": "x", "phones": ["13900000001"], "birth_date": "2999-01-01"}, "invalid.birth_date"),
    ({"name": "x", "phones": ["13900000001"], "email": "not-mail"}, "invalid.email"),
    ({"name": "x\x00", "phones": ["13900000001"]}, "invalid.name"),
])
def test_bad_values_are_invalid_arguments_naming_the_field(values, reason):
    with pytest.raises(InvalidArgument) as caught:
        rules.new_profile(values)
    assert caught.value.reason == reason


def test_update_fields_are_checked_one_by_one():
    assert rules.check_field("stage", "prospect") == "prospect"
    assert rules.check_field("valid", False) is False
    with pytest.raises(InvalidArgument) as caught:
        rules.check_field("owner_id", "u-1")
    assert caught.value.reason == "invalid.update_fields"


def test_search_terms_cover_characters_pairs_words_and_phone_tails():
    terms = search.terms_of("张三丰", "Star 科技", ["+8613900001234"])
    assert {"张", "三", "丰", "张三", "三丰", "star", "科技", "t:1234"} == terms
    assert search._query_terms("三丰 STAR") == ["三丰", "star"]
    assert search._query_terms("张") == ["张"]


def test_claim_rules_refuse_unknown_policies():
    with pytest.raises(ValueError):
        claims.ClaimRules(dt.timedelta(days=1), collision_policy="lottery")
    with pytest.raises(ValueError):
        claims.ClaimRules(dt.timedelta(days=1), channel_rule="loudest_wins")
