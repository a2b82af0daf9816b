"""/openapi.json is what a generated client (Python, TypeScript) is built from: short stable
operation ids, one Problem schema as application/problem+json for every error status, and
downloads as binary. (Every answer of every gateway test is also checked against the document:
see `documented` in conftest.py; schemathesis fuzzes the real processes in tests/e2e.)"""
from __future__ import annotations

import re

import pytest
from fakes import assert_problem
from gateway.problems import PROBLEM_JSON

pytestmark = pytest.mark.anyio

CAMEL_CASE = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")
PROBLEM_REF = "#/components/schemas/Problem"


async def document(gw) -> dict:
    response = await gw.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


async def test_operation_ids_are_short_camel_case_and_unique(gw):
    doc = await document(gw)
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert ids and all(CAMEL_CASE.match(i) for i in ids), ids
    assert len(ids) == len(set(ids))
    by_path = {(p, m): op["operationId"] for p, m, op in operations(doc)}
    assert by_path[("/v1/users", "get")] == "usersList"
    assert by_path[("/v1/users/{user_id}", "get")] == "usersGet"
    assert by_path[("/v1/scheduling/solve-jobs", "post")] == "schedulingSolveJobsStart"


async def test_every_error_is_the_problem_schema_as_problem_json(gw):
    doc = await document(gw)
    errors = 0
    for path, method, operation in operations(doc):
        for status, response in operation["responses"].items():
            if status[0] not in "45":
                continue
            errors += 1
            assert set(response["content"]) == {PROBLEM_JSON}, (path, method, status)
            assert response["content"][PROBLEM_JSON]["schema"] == {"$ref": PROBLEM_REF}
    assert errors > 100
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "detail_zh"} <= set(problem["required"])
    assert {"correlation_id", "errors", "instance"} <= set(problem["properties"])
    assert "HTTPValidationError" not in doc["components"]["schemas"]


async def test_statuses_derive_from_what_a_route_is(gw):
    doc = await document(gw)
    paths = doc["paths"]
    read = paths["/v1/users/{user_id}"]["get"]["responses"]
    write = paths["/v1/users"]["post"]["responses"]
    assert {"401", "403", "404", "422", "429", "503"} <= set(read)
    assert not {"413", "415"} & set(read)  # no body, no body errors
    assert {"400", "401", "403", "409", "413", "415", "422", "429", "503"} <= set(write)
    assert "Retry-After" in write["503"]["headers"]
    assert "Idempotency-Key" not in str(paths["/healthz"])  # ops routes keep their own


async def test_downloads_are_binary_with_their_content_type(gw):
    doc = await document(gw)
    xlsx = doc["paths"]["/v1/scheduling/campuses/{campus_id}/terms/{term_id}/timetable.xlsx"]
    content = xlsx["get"]["responses"]["200"]["content"]
    assert content == {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}}}


async def test_405_carries_allow_with_every_method_of_the_path(gw):
    response = await gw.client.delete("/v1/users", headers=gw.auth("u-admin"))
    assert_problem(response, 405, "method-not-allowed")
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed and "DELETE" not in allowed
