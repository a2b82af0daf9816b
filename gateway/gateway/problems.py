"""RFC 9457 problem documents: every error the gateway returns is one of these.

`type` is `https://educrm.dev/problems/<reason>`; besides the standard members we add
`detail_zh` (Simplified Chinese for the front ends) and `correlation_id`.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_BASE = "https://educrm.dev/problems/"
PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, reason: str, title: str, detail: str, detail_zh: str,
                 *, headers: Mapping[str, str] | None = None,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.title = title
        self.detail = detail
        self.detail_zh = detail_zh
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.reason

    def document(self, correlation_id: str | None, instance: str | None = None) -> dict:
        doc = {"type": self.type, "title": self.title, "status": self.status,
               "detail": self.detail, "detail_zh": self.detail_zh,
               "correlation_id": correlation_id}
        if instance:
            doc["instance"] = instance
        doc.update(self.extra)
        return doc


def problem_response(problem: Problem, correlation_id: str | None,
                     instance: str | None = None) -> Response:
    body = json.dumps(problem.document(correlation_id, instance), ensure_ascii=False)
    return Response(body, status_code=problem.status, media_type=PROBLEM_JSON,
                    headers=problem.headers)


# The problems the gateway itself decides, one constructor each so texts stay consistent.

def unauthenticated(detail: str = "A valid access token is required.",
                    detail_zh: str = "需要有效的访问令牌。",
                    reason: str = "unauthenticated") -> Problem:
    return Problem(401, reason, "Unauthenticated", detail, detail_zh,
                   headers={"WWW-Authenticate": 'Bearer realm="educrm"'})


def account_frozen() -> Problem:
    return Problem(403, "account-frozen", "Account frozen",
                   "This account is frozen. Contact an administrator to unfreeze it.",
                   "该账号已被冻结，请联系管理员解冻。")


def forbidden(detail: str = "You are not allowed to do this.",
              detail_zh: str = "您无权执行此操作。") -> Problem:
    return Problem(403, "forbidden", "Forbidden", detail, detail_zh)


def login_failed() -> Problem:
    # One body for an unknown user and a wrong password: nothing tells them apart.
    return Problem(401, "invalid-credentials", "Invalid credentials",
                   "The username or password is incorrect.", "用户名或密码错误。")


def rate_limited(retry_after: int, headers: Mapping[str, str]) -> Problem:
    return Problem(429, "rate-limited", "Too many requests",
                   f"Too many requests. Retry after {retry_after} seconds.",
                   f"请求过于频繁，请在 {retry_after} 秒后重试。",
                   headers={**headers, "Retry-After": str(retry_after)})


def dependency_unavailable(what: str, what_zh: str, reason: str = "service-unavailable") -> Problem:
    return Problem(503, reason, "Service unavailable",
                   f"{what} is unavailable; the request was not served. Retry later.",
                   f"{what_zh}暂不可用，请求未执行，请稍后重试。", headers={"Retry-After": "1"})


def audit_unavailable() -> Problem:
    return dependency_unavailable("The audit log", "审计日志", reason="audit-unavailable")


def rate_limiter_unavailable() -> Problem:
    return dependency_unavailable("The rate limiter", "限流服务", reason="rate-limiter-unavailable")


def payload_too_large(limit: int) -> Problem:
    return Problem(413, "payload-too-large", "Payload too large",
                   f"The request body exceeds {limit} bytes.", f"请求体超过 {limit} 字节的上限。")


def unsupported_media_type() -> Problem:
    return Problem(415, "unsupported-media-type", "Unsupported media type",
                   "Send the request body as application/json.", "请求体必须为 application/json。")


def malformed_json() -> Problem:
    return Problem(400, "malformed-json", "Malformed JSON",
                   "The request body is not valid JSON.", "请求体不是合法的 JSON。")


def internal_error() -> Problem:
    return Problem(500, "internal-error", "Internal error",
                   "An unexpected error occurred.", "发生了意外错误。")


_HTTP_REASONS = {
    404: ("not-found", "Not found", "The resource does not exist.", "资源不存在。"),
    405: ("method-not-allowed", "Method not allowed", "This method is not allowed here.",
          "此资源不支持该请求方法。"),
    413: ("payload-too-large", "Payload too large", "The request body is too large.",
          "请求体过大。"),
    400: ("bad-request", "Bad request", "The request is malformed.", "请求格式错误。"),
}


def from_http_exception(exc: StarletteHTTPException) -> Problem:
    reason, title, detail, detail_zh = _HTTP_REASONS.get(
        exc.status_code, ("http-error", "HTTP error", str(exc.detail), str(exc.detail)))
    return Problem(exc.status_code, reason, title, detail, detail_zh,
                   headers=dict(exc.headers or {}))


def from_validation_error(exc: RequestValidationError) -> Problem:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return malformed_json()
    fields = [{"location": [str(p) for p in e.get("loc", ())], "message": e.get("msg", ""),
               "type": e.get("type", "")} for e in errors]
    # Never echo the input back (it may hold a password).
    names = ", ".join(".".join(f["location"][1:]) or f["location"][0] for f in fields)
    return Problem(422, "validation-failed", "Validation failed",
                   f"The request is invalid: {names}.", f"请求参数无效：{names}。",
                   extra={"errors": fields})


# gRPC status -> HTTP status; the reason comes from identity's trailing metadata when present.
_GRPC_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: (422, "invalid-argument", "Invalid argument"),
    grpc.StatusCode.NOT_FOUND: (404, "not-found", "Not found"),
    grpc.StatusCode.ALREADY_EXISTS: (409, "already-exists", "Already exists"),
    grpc.StatusCode.FAILED_PRECONDITION: (409, "failed-precondition", "Failed precondition"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "forbidden", "Forbidden"),
    grpc.StatusCode.UNAUTHENTICATED: (401, "unauthenticated", "Unauthenticated"),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (429, "rate-limited", "Too many requests"),
    grpc.StatusCode.UNAVAILABLE: (503, "service-unavailable", "Service unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "service-timeout", "Service timeout"),
}


def reason_slug(reason: str) -> str:
    """Service reasons look like `user.frozen`; problem types use `user-frozen`."""
    return reason.replace(".", "-").replace("_", "-")


def from_grpc_error(code: grpc.StatusCode, details: str | None, reason: str | None,
                    message_zh: str | None, *,
                    extra: Mapping[str, Any] | None = None) -> Problem:
    """`extra`: the service's error details (kit.errors, `x-error-details`), added to the
    document as members; they never override the standard ones."""
    status, default_reason, title = _GRPC_STATUS.get(code, (502, "bad-gateway", "Bad gateway"))
    if status >= 500:
        # Never pass a service's internal error text to the client.
        return Problem(status, default_reason, title,
                       "A backend service did not answer; the request may be retried.",
                       "后端服务暂不可用，请稍后重试。")
    slug = reason_slug(reason) if reason else default_reason
    if "frozen" in slug:
        return account_frozen()
    members = {k: v for k, v in (extra or {}).items()
               if k not in ("type", "title", "status", "detail", "detail_zh", "correlation_id",
                            "instance")}
    return Problem(status, slug, title, details or title, message_zh or details or title,
                   extra=members)


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (Starlette names only the methods of
    the one route it matched, and each method is its own route here)."""
    path = request.scope["path"]
    methods: set[str] = set()
    for route in request.app.routes:
        regex, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and route_methods and regex.match(path):
            methods |= route_methods
    return ", ".join(sorted(methods))


def install_handlers(app: FastAPI) -> None:
    """Route FastAPI's and Starlette's own errors through problem documents."""

    def cid(request: Request) -> str | None:
        ctx = request.scope.get("educrm")
        return ctx.correlation_id if ctx else None

    async def on_problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc, cid(request))

    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        problem = from_http_exception(exc)
        if exc.status_code == 405:
            problem.headers["Allow"] = allowed_methods(request)
        return problem_response(problem, cid(request))

    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(from_validation_error(exc), cid(request))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
