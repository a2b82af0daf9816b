"""Personal data every service validates the same way: mainland-China mobile numbers and
resident ID-card numbers (居民身份证号码), normalised for storage and lookups, masked for
display.

- Phones: phonenumbers with the real CN mobile ranges; stored in E.164 (`+8613812341234`), so
  `138 1234 1234`, `+86 13812341234` and `8613812341234` are one number (duplicate checks and
  lookups compare the stored form).
- ID cards: the 18-character GB 11643-1999 number with its ISO 7064 MOD 11-2 check character
  (python-stdnum's `stdnum.cn.ric`, which also checks the birth date and the region code);
  stored upper-case without separators.
- Masks: `138****1234`, `110***********002X`-style keeps (kit.logs), never the full value in
  a log line or an error message.
"""
from __future__ import annotations

import datetime as dt

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from .logs import mask_id_number, mask_phone

__all__ = ["PersonalDataError", "birth_date_of_id_card", "mask_id_card", "mask_phone",
           "normalise_cn_mobile", "normalise_id_card", "phone_tail"]


class PersonalDataError(ValueError):
    """A value that is not a valid phone / ID number; `field` names it, the messages never
    contain the value."""

    def __init__(self, field: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.message_zh = message_zh


_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalise_cn_mobile(phone: str, field: str = "phone") -> str:
    """A mainland-China mobile number in E.164 (+8613812341234), or PersonalDataError."""
    try:
        parsed = phonenumbers.parse(phone or "", "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if (parsed is None or parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed)
            or phonenumbers.number_type(parsed) not in _MOBILE_TYPES):
        raise PersonalDataError(field, "phone must be a valid mainland China mobile number",
                                "手机号须为有效的中国大陆手机号码")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_id_card(value: str, field: str = "id_card") -> str:
    """An 18-character resident ID number (GB 11643 check character), upper-case, or
    PersonalDataError. The old 15-digit numbers (no check character) are refused."""
    compact = "".join((value or "").replace("-", " ").split()).upper()
    if len(compact) != 18:
        raise PersonalDataError(field, "ID card number must have 18 characters",
                                "身份证号码须为 18 位")
    try:
        return ric.validate(compact)
    except stdnum_errors.ValidationError:
        raise PersonalDataError(field, "ID card number is invalid (GB 11643 check failed)",
                                "身份证号码无效（校验未通过）") from None


def birth_date_of_id_card(normalised: str) -> dt.date:
    """The birth date an already valid ID number carries."""
    return ric.get_birth_date(normalised)


def mask_id_card(value: str | None) -> str:
    return mask_id_number(value)


def phone_tail(normalised: str, digits: int = 4) -> str:
    """The last digits of a stored phone: what people search a customer by."""
    return normalised[-digits:]
