"""Assertions on the gateway's HTTP answers (httpx responses)."""
from __future__ import annotations

import asyncio
import time
from typing import Any

PROBLEM_BASE = "https://educrm.dev/problems/"


def assert_problem(response: Any, status: int, reason: str | None = None) -> dict:
    """Assert an RFC 9457 problem document with EduCRM's members; return it."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_BASE)
    for member in ("title", "detail", "detail_zh", "correlation_id"):
        assert body.get(member), (member, body)
    if reason:
        assert body["type"] == f"{PROBLEM_BASE}{reason}", body
    return body


async def wait_until(predicate, timeout: float = 5.0) -> None:
    """Poll a condition with a deadline (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.01)
