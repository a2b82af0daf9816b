"""The OpenAPI document, told whole and in one place.

Routes declare what they return on success; everything else is derived here from what each
route is, so that a route added later gets it for free:

- every operation id is the route's name in camelCase (`users.list` -> `usersList`,
  `scheduling.solve_jobs.start` -> `schedulingSolveJobsStart`): short and stable;
- every error is the one `Problem` schema (RFC 9457) as `application/problem+json`, with
  the statuses the gateway can answer for that kind of route: 401/403/429 for a protected
  route, 503 (audit log or rate limiter unavailable) and 500 for every audited route,
  400/413/415 for a request body, 422 for any parameter or body, 404/409/422/502/504 from
  the service a route forwards to, 409/422 from the Idempotency-Key of a write;
- a download (a success content type that is not JSON) is a binary string;
- FastAPI's own 422 `HTTPValidationError` is replaced by the Problem (that is what is sent).
"""
from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from .problems import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_WORD = re.compile(r"[A-Za-z0-9]+")
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Not audited, no user data (middleware.UNAUDITED_PATHS): they document their own answers.
_OPERATIONAL = ("/healthz", "/readyz", "/metrics")


class ProblemFieldError(BaseModel):
    location: list[str] = Field(description='Where: e.g. ["body", "username"], ["query", "limit"]')
    message: str = Field(description="What is wrong (English)")
    type: str = Field(description="A stable error code, e.g. `string_too_short`")


class Problem(BaseModel):
    """An RFC 9457 problem document: every error the API answers."""

    type: str = Field(description="`https://educrm.dev/problems/<reason>`; stable, for code",
                      examples=["https://educrm.dev/problems/validation-failed"])
    title: str = Field(description="Short English summary of the problem type")
    status: int = Field(ge=400, le=599, description="The HTTP status, repeated")
    detail: str = Field(description="What happened, in English")
    detail_zh: str = Field(description="What happened, in Simplified Chinese (简体中文)")
    correlation_id: str | None = Field(
        None, description="The request's correlation id (also the X-Correlation-Id header)")
    instance: str | None = Field(None, description="The request path, when given")
    errors: list[ProblemFieldError] | None = Field(
        None, description="422 validation-failed: one entry per invalid field")


_DESCRIPTIONS = {
    400: "Malformed request (invalid JSON, Content-Length or Idempotency-Key)",
    401: "Not authenticated: missing, invalid or expired token, or logged-out session",
    403: "Forbidden, or the account is frozen",
    404: "Not found",
    409: "Conflict: already exists, failed precondition, or the Idempotency-Key is in use",
    413: "The request body is too large",
    415: "The request body is not application/json",
    422: "Validation failed (see `errors`), or the Idempotency-Key was used for another "
         "request",
    429: "Too many requests (see Retry-After and RateLimit)",
    500: "Unexpected error",
    502: "A backend service answered unexpectedly",
    503: "A dependency (audit log, rate limiter, backend service) is unavailable; the "
         "request was not executed. Retry later (see Retry-After)",
    504: "A backend service did not answer in time",
}


def operation_id(route: APIRoute) -> str:
    """`users.list` -> `usersList` (FastAPI's generate_unique_id_function)."""
    words = _WORD.findall(route.name)
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    if path.startswith(_OPERATIONAL):
        return set()
    statuses = {401, 403, 404, 409, 422, 429, 500, 502, 503, 504}
    if method.upper() in _WRITE_METHODS or "requestBody" in operation:
        statuses |= {400, 413, 415}
    return statuses


def _problem_response(status: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    description = (existing or {}).get("description")
    if not description or description == "Validation Error":
        description = _DESCRIPTIONS.get(status, "Error")
    response: dict[str, Any] = {"description": description,
                                "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}
    headers = dict((existing or {}).get("headers") or {})
    if status in (429, 503):
        headers.setdefault("Retry-After", {"description": "Seconds to wait before retrying",
                                           "schema": {"type": "integer"}})
    if status == 401:
        headers.setdefault("WWW-Authenticate", {"schema": {"type": "string"}})
    if headers:
        response["headers"] = headers
    return response


def _binary_downloads(operation: dict[str, Any]) -> None:
    for status, response in operation.get("responses", {}).items():
        if not str(status).startswith("2"):
            continue
        content = response.get("content") or {}
        downloads = {t for t in content if "json" not in t}
        if downloads:
            # A file: only its own content type(s), as bytes.
            response["content"] = {t: {"schema": {"type": "string", "format": "binary"}}
                                   for t in downloads}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Make every operation's errors the Problem schema, for every status it can answer."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            _binary_downloads(operation)
            statuses = _error_statuses(path, method, operation)
            statuses |= {int(s) for s in responses if str(s)[0] in "45"}
            for status in sorted(statuses):
                responses[str(status)] = _problem_response(status, responses.get(str(status)))
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, schema in problem.pop("$defs", {}).items():
        schemas[name] = schema
    schemas["Problem"] = problem
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document at app.openapi_url (built once, on first request).
    Routes built by a module's own APIRouter carry that router's id function: name them
    here, unless a route chose its own id."""
    for route in app.routes:
        if isinstance(route, APIRoute) and not route.operation_id:
            route.operation_id = operation_id(route)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version,
                description=app.description, routes=app.routes, tags=app.openapi_tags,
                servers=app.servers))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
