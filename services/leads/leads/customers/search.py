"""Full-text search of customers, the same on SQLite and PostgreSQL: an inverted index in
`customer_search_terms` (term, customer_id), looked up by primary key.

Terms of a customer: every pair of adjacent characters of the name's and the company's CJK
runs, and every single character of the name's (Chinese names are 2-4 characters: a surname
alone finds them; a company is searched by two characters or more), their other words
lower-cased, and `t:` + the last four digits of each phone. A query is cut the same way; a
customer matches when it has every term of the query, and the match is then confirmed on the
text itself (two pairs can occur apart), so results are exact substrings, found through the
index. About ten terms per customer: 10M index rows at 1M customers.
"""
from __future__ import annotations

import re

from kit.personal_data import phone_tail
from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from ..models import Customer, CustomerPhone, CustomerSearchTerm

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TERMS = 6


def _cut(text: str, *, characters: bool) -> set[str]:
    terms: set[str] = set()
    text = (text or "").casefold()
    for run in _CJK.findall(text):
        if characters or len(run) == 1:
            terms.update(run)
        terms.update(run[i:i + 2] for i in range(len(run) - 1))
    for word in _WORD.findall(_CJK.sub(" ", text)):
        terms.add(word[:64])
    return terms


def terms_of(name: str, company: str, phones) -> set[str]:
    return (_cut(name, characters=True) | _cut(company, characters=False)
            | {"t:" + phone_tail(p) for p in phones})


def _query_terms(q: str) -> list[str]:
    """A query's terms: pairs of a CJK run (its character when alone) and its words."""
    terms: list[str] = []
    text = q.casefold()
    for run in _CJK.findall(text):
        grams = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        terms += [g for g in grams if g not in terms]
    terms += [w[:64] for w in _WORD.findall(_CJK.sub(" ", text)) if w[:64] not in terms]
    return terms[:MAX_QUERY_TERMS]


def condition(q: str) -> ColumnElement[bool] | None:
    """The SQL condition for the search words `q` (None: nothing to search for)."""
    q = " ".join((q or "").split())
    if not q:
        return None
    digits = q.replace(" ", "").lstrip("+")
    if digits.isdigit() and len(digits) >= 4:
        # a phone's tail (or a whole number): the index finds the tail, then the digits
        tail = "t:" + digits[-4:]
        return and_(Customer.id.in_(select(CustomerSearchTerm.customer_id)
                                    .where(CustomerSearchTerm.term == tail)),
                    exists().where(CustomerPhone.customer_id == Customer.id,
                                   CustomerPhone.phone.endswith(digits, autoescape=True)))
    terms = _query_terms(q)
    if not terms:
        return None
    found = [Customer.id.in_(select(CustomerSearchTerm.customer_id)
                             .where(CustomerSearchTerm.term == t)) for t in terms]
    needle = q.casefold()
    return and_(*found, or_(func.lower(Customer.name).contains(needle, autoescape=True),
                            func.lower(Customer.company).contains(needle, autoescape=True)))
