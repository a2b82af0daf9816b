"""Mainland ID card numbers (居民身份证, GB 11643) at enrollment's sign-in desk: validated
with python-stdnum, kept only as a keyed digest (HMAC-SHA256 with a service secret), never
stored or logged in full. (The lead may switch the validation to kit.personal_data.)"""
from __future__ import annotations

import hashlib
import hmac

from kit.errors import InvalidArgument
from stdnum.cn import ric
from stdnum.exceptions import ValidationError


def normalized(number: str) -> str:
    """The number in its compact form (upper-case X), or INVALID_ARGUMENT."""
    try:
        return ric.validate(number)
    except ValidationError:
        raise InvalidArgument("not a valid mainland ID card number",
                              reason="invalid.id_card_number",
                              message_zh="身份证号码无效") from None


def digest(number: str, key: str) -> str:
    return hmac.new(key.encode(), normalized(number).encode(), hashlib.sha256).hexdigest()

