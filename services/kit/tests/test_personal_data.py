"""kit.personal_data: phones and ID numbers validated, normalised and masked one way."""
from __future__ import annotations

import datetime as dt

import pytest
from kit.personal_data import (
    PersonalDataError,
    birth_date_of_id_card,
    mask_id_card,
    mask_phone,
    normalise_cn_mobile,
    normalise_id_card,
    phone_tail,
)


@pytest.mark.parametrize("raw", ["13812341234", "138 1234 1234", "+86 138-1234-1234",
                                 "8613812341234", "+8613812341234"])
def test_mobile_numbers_normalise_to_e164(raw):
    assert normalise_cn_mobile(raw) == "+8613812341234"


@pytest.mark.parametrize("raw", ["", "12345", "10012341234", "01062345678", "+14155552671",
                                 "1381234123", "138123412345", "abc"])
def test_non_mobile_numbers_are_refused_without_echoing_them(raw):
    with pytest.raises(PersonalDataError) as caught:
        normalise_cn_mobile(raw, "phones[1]")
    assert caught.value.field == "phones[1]"
    assert caught.value.message_zh == "手机号须为有效的中国大陆手机号码"
    assert raw not in str(caught.value) or not raw


def test_id_numbers_check_gb11643_and_normalise():
    assert normalise_id_card("11010519491231002x") == "11010519491231002X"
    assert normalise_id_card(" 110105 19491231 002X ") == "11010519491231002X"
    assert birth_date_of_id_card("11010519491231002X") == dt.date(1949, 12, 31)


@pytest.mark.parametrize("raw, message", [
    ("110105194912310021", "ID card number is invalid (GB 11643 check failed)"),  # check char
    ("11010519491331002X", "ID card number is invalid (GB 11643 check failed)"),  # 13th month
    ("110105491231002", "ID card number must have 18 characters"),               # old 15-digit
    ("", "ID card number must have 18 characters"),
])
def test_bad_id_numbers_are_refused(raw, message):
    with pytest.raises(PersonalDataError) as caught:
        normalise_id_card(raw)
    assert (caught.value.field, caught.value.message) == ("id_card", message)


def test_masks_and_tail():
    assert mask_phone("+8613812341234") == "138****1234"
    assert mask_id_card("11010519491231002X") == "110*************2X"
    assert mask_id_card(None) == ""
    assert phone_tail("+8613812341234") == "1234"
