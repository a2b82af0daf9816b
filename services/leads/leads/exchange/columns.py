"""The customer columns of the Excel files (kit.xlsx.Column): the export's, and the
import's, whose parsers are the customers area's own rules (leads.customers.rules), so a row
is checked exactly as POST /v1/customers checks a customer.

A parser turns the cell's text into the value CreateCustomer takes (a list of phones, a
gender identifier ...) and checks it with `rules.check_field`; `rules.new_profile` then
applies the whole-record rule (a phone or an ID number) to the row.
"""
from __future__ import annotations

import re

from kit import xlsx
from kit.xlsx import CellError, Column

from ..customers import rules

_LIST_SEPARATORS = re.compile(r"[,，;；、/\n]+")
GENDER_LABELS = {"男": "male", "女": "female", "male": "male", "female": "female",
                 "m": "male", "f": "female"}
GENDER_SHOWN = {"male": "男", "female": "女"}
ROLE_LABELS = {"学员": "student", "家长": "payer", "付款人": "payer",
               "企业联系人": "corporate_contact", "助教": "assistant", "教练": "assistant",
               "推荐人": "referrer",
               **{r: r for r in rules.ROLES}}
ROLE_SHOWN = {"student": "学员", "payer": "家长", "corporate_contact": "企业联系人",
              "assistant": "助教", "referrer": "推荐人"}
STAGE_SHOWN = {"lead": "线索 lead", "prospect": "意向 prospect", "enrolled": "已报名 enrolled",
               "alumni": "学员校友 alumni"}


def split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(text or "") if part.strip()]


def _checked(field: str, convert=lambda text: text):
    """A parser: `convert` the text to CreateCustomer's input, check it with the customers
    rules (their InvalidArgument carries the zh + en message), return the input."""
    def parse(text: str):
        value = convert(text)
        rules.check_field(field, value)
        return value
    parse.__name__ = f"parse_{field}"
    return parse


def _gender(text: str) -> str:
    value = GENDER_LABELS.get(text.strip().casefold())
    if value is None:
        raise CellError("gender must be 男 (male) or 女 (female)", "性别须为「男」或「女」")
    return value


def _roles(text: str) -> list[str]:
    values = []
    for part in split_list(text):
        role = ROLE_LABELS.get(part.casefold()) or ROLE_LABELS.get(part)
        if role is None:
            raise CellError("roles must be among 学员, 家长, 企业联系人, 助教, 推荐人",
                            "客户角色须为：学员、家长、企业联系人、助教、推荐人")
        values.append(role)
    return values


def _text(field: str, zh: str, en: str, width: int = 16, example: str = "") -> Column:
    return Column(field, zh, en, width=width, parse=_checked(field), example=example)


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "Name", width=14, required=True, parse=_checked("name"),
           example="张三"),
    Column("phones", "手机号", "Mobile phones", width=26, parse=_checked("phones", split_list),
           example="13800138000", note_zh="多个号码用逗号分隔；手机号与身份证号至少填一项",
           note_en="Several numbers separated by commas; give a phone or the ID number"),
    Column("id_card", "身份证号", "ID card number", width=22, parse=_checked("id_card"),
           example="11010519491231002X", note_zh="18 位，校验位将被检查",
           note_en="18 characters; the check character is verified"),
    Column("gender", "性别", "Gender", width=8, parse=_gender, choices=("男", "女"),
           example="男"),
    Column("birth_date", "出生日期", "Birth date", width=12, parse=_checked("birth_date"),
           example="1990-03-07", note_zh="YYYY-MM-DD；空则取身份证号中的日期",
           note_en="YYYY-MM-DD; taken from the ID number when empty"),
    _text("email", "邮箱", "E-mail", 24, "zhangsan@example.com"),
    _text("company", "公司", "Company", 20, "星辰科技"),
    _text("position", "职位", "Position", 12, "经理"),
    _text("industry", "行业", "Industry", 12, "互联网"),
    _text("region", "地区", "Region", 12, "北京"),
    _text("education", "学历", "Education", 10, "本科"),
    _text("company_size", "公司规模", "Company size", 12, "100-499"),
    _text("source_channel_id", "来源渠道", "Source channel id", 18),
    _text("campaign_id", "市场活动", "Campaign id", 18),
    Column("tags", "标签", "Tags", width=18, parse=_checked("tags", split_list),
           example="VIP, 公开课", note_zh="多个标签用逗号分隔", note_en="Separated by commas"),
    Column("roles", "客户角色", "Roles", width=16,
           parse=_checked("roles", _roles), example="学员",
           note_zh="学员、家长、企业联系人、助教、推荐人，多个用逗号分隔",
           note_en="student (学员), payer (家长), corporate contact, assistant, referrer"),
)

INSTRUCTIONS = (
    ("每行一位客户；第一行为表头，请勿修改。",
     "One customer per row; keep the header row as it is."),
    ("手机号与身份证号至少填写一项，均会校验并查重（库内与文件内）。",
     "Give a phone or the ID number; both are checked, and duplicates (in the file or "
     "already in the CRM) are reported."),
    ("任一行有误则整份文件都不导入；错误报告列出每一行的错误，改正后可直接再次上传。",
     "If any row is wrong nothing is imported; the error report lists every row's errors "
     "and can be corrected and uploaded again as it is."),
)

_PHONE = Column("phones", "手机号", "Mobile phones", width=30, mask=xlsx.MASK_PHONE)
_ID_CARD = Column("id_card", "身份证号", "ID card number", width=22, mask=xlsx.MASK_ID_CARD)
EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("id", "客户编号", "Customer id", width=38),
    Column("name", "姓名", "Name", width=14),
    _PHONE,
    _ID_CARD,
    Column("gender", "性别", "Gender", width=8),
    Column("birth_date", "出生日期", "Birth date", kind="date", width=12),
    *(Column(c.key, c.zh, c.en, width=c.width) for c in IMPORT_COLUMNS
      if c.key in ("email", "company", "position", "industry", "region", "education",
                   "company_size", "source_channel_id", "campaign_id", "tags")),
    Column("roles", "客户角色", "Roles", width=16),
    Column("stage", "阶段", "Stage", width=16),
    Column("valid", "有效", "Valid", kind="bool", width=8),
    Column("owner_name", "负责人", "Owner", width=14),
    Column("created_at", "创建时间", "Created", kind="datetime", width=20),
)
PERSONAL_COLUMNS = frozenset({"phones", "id_card"})
