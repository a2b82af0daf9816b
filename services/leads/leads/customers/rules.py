"""Pure rules of a customer record: which values are allowed and their stored form.

Phones and ID numbers go through kit.personal_data (the one rule every service uses); an error
names the field, never the value.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from kit import personal_data
from kit.errors import InvalidArgument
from kit.text import check_text

STAGES = ("lead", "prospect", "enrolled", "alumni")
ROLES = ("student", "payer", "corporate_contact", "assistant", "referrer")
GENDERS = ("male", "female", "")
MAX_PHONES = 5
MAX_TAGS = 20
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
# text fields: (max length, Chinese name)
TEXT_FIELDS = {
    "company": (200, "公司"), "position": (100, "职位"), "industry": (100, "行业"),
    "region": (100, "地区"), "education": (50, "学历"), "company_size": (50, "公司规模"),
    "invalid_reason": (200, "无效原因"),
}
ID_FIELDS = ("source_channel_id", "campaign_id")


def invalid(field: str, message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason=f"invalid.{field}", message_zh=message_zh)


def name_key(name: str) -> str:
    """The form two names are compared in for "possible duplicate"."""
    return "".join(name.split()).casefold()


def check_name(value: str) -> str:
    value = (value or "").strip()
    check_text(value, "name")
    if not value or len(value) > 100:
        raise invalid("name", "name must be 1-100 characters", "姓名须为 1–100 个字符")
    return value


def check_phones(values) -> list[str]:
    """The normalised phones, the primary first, without repeats."""
    phones: list[str] = []
    for i, value in enumerate(values):
        try:
            phone = personal_data.normalise_cn_mobile(value, f"phones[{i}]")
        except personal_data.PersonalDataError as exc:
            raise invalid("phone", exc.message, exc.message_zh) from None
        if phone not in phones:
            phones.append(phone)
    if len(phones) > MAX_PHONES:
        raise invalid("phone", f"at most {MAX_PHONES} phones", f"最多 {MAX_PHONES} 个手机号")
    return phones


def check_id_card(value: str) -> str | None:
    if not value:
        return None
    try:
        return personal_data.normalise_id_card(value)
    except personal_data.PersonalDataError as exc:
        raise invalid("id_card", exc.message, exc.message_zh) from None


def check_birth_date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise invalid("birth_date", "birth_date must be YYYY-MM-DD",
                      "出生日期格式须为 YYYY-MM-DD") from None
    if date > dt.date.today() or date.year < 1900:
        raise invalid("birth_date", "birth_date is out of range", "出生日期超出范围")
    return date


def check_choice(field: str, value: str, allowed, zh: str) -> str:
    if value not in allowed:
        raise invalid(field, f"{field} must be one of {', '.join(a for a in allowed if a)}",
                      f"{zh}取值无效")
    return value


def check_roles(values) -> list[str]:
    roles = []
    for value in values:
        check_choice("roles", value, ROLES, "客户角色")
        if value not in roles:
            roles.append(value)
    return roles


def check_tags(values) -> list[str]:
    tags = []
    for value in values:
        value = (value or "").strip()
        check_text(value, "tags")
        if not value or len(value) > 50:
            raise invalid("tags", "a tag must be 1-50 characters", "标签须为 1–50 个字符")
        if value not in tags:
            tags.append(value)
    if len(tags) > MAX_TAGS:
        raise invalid("tags", f"at most {MAX_TAGS} tags", f"最多 {MAX_TAGS} 个标签")
    return tags


def check_email(value: str) -> str:
    value = (value or "").strip()
    if value and (len(value) > 254 or not EMAIL.match(value)):
        raise invalid("email", "invalid e-mail address", "邮箱地址无效")
    return value.lower()


def check_short_text(field: str, value: str) -> str:
    value = (value or "").strip()
    limit, zh = TEXT_FIELDS[field]
    check_text(value, field)
    if len(value) > limit:
        raise invalid(field, f"{field} is longer than {limit} characters",
                      f"{zh}超过 {limit} 个字符")
    return value


def check_id(field: str, value: str) -> str | None:
    value = (value or "").strip()
    check_text(value, field)
    if len(value) > 64:
        raise invalid(field, f"{field} is too long", f"{field} 过长")
    return value or None


@dataclasses.dataclass
class Profile:
    """A customer's checked, stored-form fields (what a create or update writes)."""

    name: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    id_card: str | None = None
    phones: list[str] = dataclasses.field(default_factory=list)
    email: str = ""
    company: str = ""
    position: str = ""
    industry: str = ""
    region: str = ""
    education: str = ""
    company_size: str = ""
    source_channel_id: str | None = None
    campaign_id: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    roles: list[str] = dataclasses.field(default_factory=list)
    stage: str = "lead"
    valid: bool = True
    invalid_reason: str = ""


# The fields a writer may set, as named in CustomerFields.
WRITABLE = ("name", "gender", "birth_date", "id_card", "phones", "email", "company",
            "position", "industry", "region", "education", "company_size",
            "source_channel_id", "campaign_id", "tags", "roles", "stage", "valid",
            "invalid_reason")
PERSONAL_FIELDS = ("id_card", "phones")


def check_field(field: str, value):
    """One field's stored form (InvalidArgument when it is not allowed)."""
    if field == "name":
        return check_name(value)
    if field == "gender":
        return check_choice("gender", value or "", GENDERS, "性别")
    if field == "birth_date":
        return check_birth_date(value)
    if field == "id_card":
        return check_id_card(value)
    if field == "phones":
        return check_phones(value)
    if field == "email":
        return check_email(value)
    if field in TEXT_FIELDS:
        return check_short_text(field, value)
    if field in ID_FIELDS:
        return check_id(field, value)
    if field == "tags":
        return check_tags(value)
    if field == "roles":
        return check_roles(value)
    if field == "stage":
        return check_choice("stage", value, STAGES, "客户阶段")
    if field == "valid":
        return bool(value)
    raise invalid("update_fields", f"unknown field {field!r}", f"未知字段 {field}")


def new_profile(values: dict) -> Profile:
    """A new customer's profile from the writer's values: a name and at least one phone or
    the ID number (the keys duplicates are found by); a new customer is a valid lead."""
    profile = Profile(**{f: check_field(f, values[f]) for f in WRITABLE
                         if f in values and f not in ("stage", "valid", "invalid_reason")})
    if not profile.phones and not profile.id_card:
        raise invalid("phone", "give at least one phone or the ID card number",
                      "请至少填写一个手机号或身份证号码")
    if profile.id_card and profile.birth_date is None:
        profile.birth_date = personal_data.birth_date_of_id_card(profile.id_card)
    return profile
