"""Users: reads count their records toward the staff-kind freeze limit (a get one, a list its
items); writes are admin actions."""
from __future__ import annotations

from typing import Annotated

from contracts.identity import identity_pb2
from fastapi import APIRouter, Path, Query, Request, Response

from ..auth import require_right
from ..idempotency import fingerprint, idempotency_key
from ..personal_reads import DataKind
from ..runtime import forward_metadata
from ..schemas import (
    ID_PATTERN,
    STATUS_FILTER,
    CreateUserBody,
    FreezeBody,
    Page,
    Text,
    UnfreezeBody,
    UserOut,
    UserStatusName,
    json_response,
    page,
    user_json,
)
from .deps import Auth, Ctx, Runtime, StaffRecordRead, count_personal_records

router = APIRouter(prefix="/v1/users", tags=["users"])
UserId = Annotated[str, Path(pattern=ID_PATTERN, description="User id")]
_READ_ERRORS = {401: {"description": "Not logged in"},
                403: {"description": "Forbidden or account frozen (read limit exceeded)"},
                429: {"description": "Rate limited"},
                503: {"description": "Rate limiter or audit log unavailable"}}


@router.get("", name="users.list", response_model=Page[UserOut], responses=_READ_ERRORS)
async def list_users(
    auth: Auth,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[Text | None, Query(max_length=512)] = None,
    org_unit_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    query: Annotated[Text | None, Query(max_length=100)] = None,
    status: UserStatusName | None = None,
) -> Response:
    ctx, rt = auth.ctx, auth.rt
    ctx.target("user")
    request = identity_pb2.ListUsersRequest(
        page_size=limit, page_token=cursor or "", org_unit_id=org_unit_id or "",
        query=query or "", status=STATUS_FILTER.get(status or "", 0))
    response = await rt.identity.call("ListUsers", request, forward_metadata(ctx, auth))
    await count_personal_records(auth, DataKind.STAFF, len(response.users))
    return json_response(page([user_json(u) for u in response.users],
                              response.next_page_token))


@router.get("/{user_id}", name="users.get", response_model=UserOut, responses=_READ_ERRORS)
async def get_user(user_id: UserId, auth: StaffRecordRead) -> Response:
    # One dependency (auth carries ctx and rt): each dependency is a resolution pass.
    ctx = auth.ctx
    ctx.target("user", user_id)
    response = await auth.rt.identity.call("GetUser",
                                           identity_pb2.GetUserRequest(user_id=user_id),
                                           forward_metadata(ctx, auth))
    return json_response(user_json(response.user))


@router.post("", name="users.create", status_code=201, response_model=UserOut,
             responses={409: {"description": "Exists, or Idempotency-Key in use"},
                        422: {"description": "Invalid, or Idempotency-Key reused"}})
async def create_user(body: CreateUserBody, request: Request, auth: Auth, ctx: Ctx,
                      rt: Runtime):
    require_right(auth, "user.admin")
    ctx.target("user")
    key = idempotency_key(request)

    async def create() -> tuple[int, dict]:
        message = identity_pb2.CreateUserRequest(
            username=body.username, display_name=body.display_name, password=body.password,
            email=body.email, phone=body.phone, roles=body.roles, org_unit_id=body.org_unit_id,
            idempotency_key=key or "")
        response = await rt.identity.call("CreateUser", message,
                                          forward_metadata(ctx, auth, key))
        ctx.target("user", response.user.id)
        return 201, user_json(response.user)

    # The password is part of the request, so it is part of the fingerprint only as a hash.
    print_ = fingerprint("POST", "/v1/users", body.model_dump())
    return await rt.idempotency.run(auth.caller.user_id, key, print_, create)


@router.post("/{user_id}/freeze", name="users.freeze", response_model=UserOut)
async def freeze_user(user_id: UserId, body: FreezeBody, request: Request, auth: Auth,
                      ctx: Ctx, rt: Runtime):
    require_right(auth, "user.admin")
    ctx.target("user", user_id)
    key = idempotency_key(request)

    async def freeze() -> tuple[int, dict]:
        response = await rt.identity.call(
            "FreezeUser", identity_pb2.FreezeUserRequest(user_id=user_id, reason=body.reason),
            forward_metadata(ctx, auth, key))
        await rt.freezer.set_flag(user_id)  # every token of theirs stops now, everywhere
        return 200, user_json(response.user)

    print_ = fingerprint("POST", f"/v1/users/{user_id}/freeze", body.model_dump())
    return await rt.idempotency.run(auth.caller.user_id, key, print_, freeze)


@router.post("/{user_id}/unfreeze", name="users.unfreeze", response_model=UserOut)
async def unfreeze_user(user_id: UserId, request: Request, auth: Auth, ctx: Ctx, rt: Runtime,
                        body: UnfreezeBody | None = None):
    require_right(auth, "unfreeze")
    ctx.target("user", user_id)
    key = idempotency_key(request)
    reason = body.reason if body else ""

    async def unfreeze() -> tuple[int, dict]:
        response = await rt.identity.call(
            "UnfreezeUser", identity_pb2.UnfreezeUserRequest(user_id=user_id, reason=reason),
            forward_metadata(ctx, auth, key))
        # Identity recorded it first; only then lift the flag and forget the read window.
        await rt.freezer.clear(user_id)
        if rt.revocations is not None:  # this process need not wait for the event
            rt.revocations.deny_list.user_unfrozen(user_id)
        return 200, user_json(response.user)

    print_ = fingerprint("POST", f"/v1/users/{user_id}/unfreeze", {"reason": reason})
    return await rt.idempotency.run(auth.caller.user_id, key, print_, unfreeze)
