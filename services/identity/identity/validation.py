"""Validation of user-supplied account fields (pure)."""
from __future__ import annotations

import re

from kit import personal_data

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
# Pragmatic e-mail shape check; deliverability is notify's concern.
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class FieldError(ValueError):
    def __init__(self, field: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.field = field
        self.message_zh = message_zh


def normalise_username(username: str) -> str:
    value = (username or "").strip().lower()
    if not USERNAME.match(value):
        raise FieldError("username", "username must be 3-32 characters: a-z, 0-9, . _ -, "
                         "starting with a letter",
                         "用户名须为 3–32 位小写字母、数字或 . _ -，以字母开头")
    return value


def normalise_cn_mobile(phone: str) -> str:
    """A mainland-China mobile number in E.164 (+8613812341234), or FieldError (the kit's
    rule, kit.personal_data, shared with leads and enrollment)."""
    try:
        return personal_data.normalise_cn_mobile(phone)
    except personal_data.PersonalDataError as exc:
        raise FieldError("phone", exc.message, exc.message_zh) from None


def normalise_email(email: str) -> str:
    value = (email or "").strip()
    if len(value) > 254 or not EMAIL.match(value):
        raise FieldError("email", "invalid e-mail address", "邮箱地址无效")
    return value.lower()
