"""Free text (names, reasons, notes, search words) refuses control characters and unpaired
surrogates with a 422 before anything is forwarded (gateway.schemas.Text, the rule of
kit.text), and the OpenAPI document says so with a pattern on every such field."""
from __future__ import annotations

import json
import re

import pytest
from fakes import assert_problem
from kit import text

pytestmark = pytest.mark.anyio

# NUL (PostgreSQL refuses it: a 502 before), other C0 controls, DEL, C1 controls, a line break
# in a one-line field; the first is the fuzzer's own find.
BAD_TEXT = ("\u00da;\u0095\U00019d18\u0000\u00ca\u009d`", "a\x00b", "bell\x07", "esc\x1b[2J",
            "del\x7f", "c1\x85", "two\nlines")
# Multi-line text (reasons, notes) takes tab and line breaks, nothing else.
BAD_MULTILINE = ("a\x00b", "bell\x07", "esc\x1b[2J", "del\x7f", "c1\x85", "\x0bvt")

NEW_USER = {"username": "erin", "display_name": "Erin", "password": "long-enough-pw",
            "org_unit_id": "ou-north-bj-sales", "roles": ["sales"]}
BODIES = [("/v1/users", NEW_USER, "display_name", BAD_TEXT),
          ("/v1/auth/login", {"username": "alice", "password": "alice-pass"}, "username",
           BAD_TEXT),
          ("/v1/users/u-bob/freeze", {"reason": "x"}, "reason", BAD_MULTILINE),
          ("/v1/users/u-bob/unfreeze", {"reason": "x"}, "reason", BAD_MULTILINE)]


def refused_field(response, location: list[str]) -> None:
    body = assert_problem(response, 422, "validation-failed")
    (error,) = body["errors"]
    assert error["location"] == location, error
    assert re.search(r"U\+[0-9A-F]{4}|unicode", error["message"]), error
    assert "\x00" not in response.text  # never echoed


@pytest.mark.parametrize("path,valid,field,bad_values", BODIES)
async def test_control_characters_in_a_body_are_422(gw, path, valid, field, bad_values):
    for bad in bad_values:
        response = await gw.client.post(path, json={**valid, field: bad},
                                        headers=gw.auth("u-admin"))
        refused_field(response, ["body", field])
    # An unpaired surrogate (valid JSON, not valid Unicode text) is refused as well.
    raw = json.dumps({**valid, field: "x"}).replace('"x"', '"a\\ud800b"').encode()
    response = await gw.client.post(path, content=raw, headers={
        **gw.auth("u-admin"), "Content-Type": "application/json"})
    refused_field(response, ["body", field])
    assert gw.fake.calls == [], [c.method for c in gw.fake.calls]


@pytest.mark.parametrize("path,name", [("/v1/users", "query"), ("/v1/users", "cursor"),
                                       ("/v1/audit-events", "action"),
                                       ("/v1/audit-events", "target_id")])
async def test_control_characters_in_a_query_are_422(gw, path, name):
    for bad in ("a\x00", "\x1b", "c1\x85"):
        response = await gw.client.get(path, params={name: bad}, headers=gw.auth("u-admin"))
        refused_field(response, ["query", name])
    assert gw.fake.calls == []


async def test_reasons_may_span_lines_and_names_may_be_any_printable_text(gw):
    reason = "Line one\n\tline two\r\n第三行"
    response = await gw.client.post("/v1/users/u-bob/freeze", json={"reason": reason},
                                    headers=gw.auth("u-admin"))
    assert response.status_code == 200, response.text
    (call,) = gw.fake.calls_to("FreezeUser")
    assert call.request.reason == reason
    name = "\u00da;\U00019d18\u00ca` O'Brien (北京)"
    created = await gw.client.post("/v1/users", json={**NEW_USER, "display_name": name},
                                   headers=gw.auth("u-admin"))
    assert created.status_code == 201, created.text
    assert created.json()["display_name"] == name


def _strings(schema: dict, components: dict, path: str, seen: set[str]):
    """(path, schema) of every string a request body schema can hold."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _strings(components[name], components, path, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, ()):
            yield from _strings(option, components, path, seen)
    if schema.get("type") == "string":
        yield path, schema
    for name, prop in schema.get("properties", {}).items():
        yield from _strings(prop, components, f"{path}.{name}", seen)
    if "items" in schema:
        yield from _strings(schema["items"], components, f"{path}[]", seen)


# Secrets are hashed, never stored or shown as text: any character is theirs to use.
SECRETS = {"password", "refresh_token"}


async def test_the_document_constrains_every_text_field_of_every_body(gw):
    document = (await gw.client.get("/openapi.json")).json()
    components = document["components"]["schemas"]
    unconstrained, documented = [], set()
    for route, item in document["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            for media in content.values():
                for path, schema in _strings(media["schema"], components,
                                             f"{method.upper()} {route}", set()):
                    if path.rsplit(".", 1)[-1] in SECRETS:
                        continue
                    if "pattern" in schema:
                        documented.add(schema["pattern"])
                        assert re.fullmatch(schema["pattern"], "a\x00b") is None, path
                    elif "enum" not in schema and "format" not in schema:
                        unconstrained.append(path)
    assert unconstrained == []
    # The scheduling and user bodies use the shared patterns, not copies.
    assert {text.SINGLE_LINE_PATTERN, text.MULTILINE_PATTERN} <= documented
