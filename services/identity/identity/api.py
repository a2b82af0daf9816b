# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""Identity's gRPC API process: `python -m identity.api`.

The servicer only translates between protobuf and the domain services (auth, users, audit);
kit.grpc_server handles authentication, correlation ids, errors, metrics and logging.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

from contracts.identity import identity_pb2 as pb
from contracts.identity import identity_pb2_grpc
from google.protobuf import timestamp_pb2
from kit import errors as kit_errors
from kit.access_token import KeySet
from kit.db import Database
from kit.grpc_context import current_call, get_caller, is_internal_call, optional_caller
from kit.grpc_server import serve
from kit.internal_auth import load_internal_token
from kit.logs import configure_logging, mask_phone

from . import audit, roles
from .auth import AuthService, TokenPair
from .keys import SigningKeys
from .models import AuditEvent, OrgUnit, User
from .passwords import Passwords
from .principals import principal_of
from .settings import IdentitySettings, load_settings
from .users import NewUser, UserService

log = logging.getLogger(__name__)

SERVICE_NAME = "crm.identity.v1.IdentityService"
PUBLIC_METHODS = frozenset(f"/{SERVICE_NAME}/{m}" for m in (
    "Login", "RefreshToken", "Logout", "IssueServiceToken", "GetSigningKeys"))

_STATUS = {"active": pb.USER_STATUS_ACTIVE, "frozen": pb.USER_STATUS_FROZEN,
           "left": pb.USER_STATUS_LEFT}
_STATUS_NAMES = {v: k for k, v in _STATUS.items()}
_KINDS = {"company": pb.ORG_UNIT_KIND_COMPANY, "region": pb.ORG_UNIT_KIND_REGION,
          "branch": pb.ORG_UNIT_KIND_BRANCH, "department": pb.ORG_UNIT_KIND_DEPARTMENT}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}


def _timestamp(value: dt.datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    return ts


def user_message(user: User, *, full_phone: bool) -> pb.User:
    principal = principal_of(user)
    return pb.User(
        id=user.id, username=user.username, display_name=user.display_name or "",
        email=user.email or "",
        phone=(user.phone or "") if full_phone else mask_phone(user.phone),
        roles=list(principal.roles), org_unit_id=user.org_unit_id or "",
        department_id=user.department_id or "", region_id=user.region_id or "",
        data_scope=principal.data_scope, rights=list(principal.rights),
        status=_STATUS.get(user.status, pb.USER_STATUS_UNSPECIFIED),
        frozen_reason=user.frozen_reason or "", created_at=_timestamp(user.created_at),
        service_account=bool(user.service_account))


def org_unit_message(unit: OrgUnit) -> pb.OrgUnit:
    return pb.OrgUnit(id=unit.id, parent_id=unit.parent_id or "",
                      kind=_KINDS.get(unit.kind, pb.ORG_UNIT_KIND_UNSPECIFIED), name=unit.name,
                      code=unit.code or "")


def audit_message(event: AuditEvent) -> pb.AuditEvent:
    return pb.AuditEvent(
        id=event.id, occurred_at=_timestamp(event.occurred_at),
        actor_user_id=event.actor_user_id or "", actor_username=event.actor_username or "",
        action=event.action, method=event.method or "", path=event.path or "",
        target_type=event.target_type or "", target_id=event.target_id or "",
        outcome=event.outcome, status_code=event.status_code or 0,
        client_address=event.client_address or "", user_agent=event.user_agent or "",
        correlation_id=event.correlation_id or "",
        detail_json=json.dumps(event.detail or {}, ensure_ascii=False), source=event.source)


def _pair(tokens: TokenPair) -> pb.TokenPair:
    return pb.TokenPair(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                        token_type="Bearer",  # noqa: S106 - the OAuth token type, no secret
                        expires_in=tokens.expires_in)


def _origin(client_address: str = "", user_agent: str = "") -> audit.Origin:
    call = current_call.get()
    return audit.Origin(
        method=call.method if call else "",
        client_address=client_address or (call.client_address if call else None) or None,
        user_agent=user_agent or (call.user_agent if call else None) or None)


def _shows_phone(caller) -> bool:
    return caller is not None and caller.can(roles.USER_ADMIN)


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, auth: AuthService, users: UserService, keys: SigningKeys,
                 settings: IdentitySettings) -> None:
        self.auth = auth
        self.users = users
        self.keys = keys
        self.settings = settings

    # -- authentication -----------------------------------------------------------------
    def Login(self, request, context):
        tokens = self.auth.login(request.username, request.password,
                                 _origin(request.client_address, request.user_agent))
        return pb.LoginResponse(tokens=_pair(tokens))

    def RefreshToken(self, request, context):
        tokens = self.auth.refresh(request.refresh_token, _origin(request.client_address))
        return pb.RefreshTokenResponse(tokens=_pair(tokens))

    def Logout(self, request, context):
        session_id = self.auth.logout(optional_caller(), request.refresh_token, _origin())
        return pb.LogoutResponse(session_id=session_id,
                                 revoked_for_seconds=self.settings.access_token_ttl_seconds)

    def IssueServiceToken(self, request, context):
        tokens = self.auth.issue_service_token(request.client_id, request.client_secret,
                                               _origin())
        return pb.IssueServiceTokenResponse(tokens=_pair(tokens))

    def GetSigningKeys(self, request, context):
        return pb.GetSigningKeysResponse(jwks_json=self.keys.jwks_json())

    # -- users --------------------------------------------------------------------------
    def GetMe(self, request, context):
        user, unit = self.users.get_me(get_caller())
        return pb.GetMeResponse(user=user_message(user, full_phone=True),
                                org_unit=org_unit_message(unit) if unit else None)

    def ListUsers(self, request, context):
        caller = get_caller()
        rows, next_token = self.users.list_users(
            caller, size=request.page_size, token=request.page_token,
            org_unit_id=request.org_unit_id, query=request.query,
            status=_STATUS_NAMES.get(request.status, ""))
        full = _shows_phone(caller)
        return pb.ListUsersResponse(users=[user_message(u, full_phone=full) for u in rows],
                                    next_page_token=next_token)

    def GetUser(self, request, context):
        caller = get_caller()
        user = self.users.get_user(caller, request.user_id)
        full = _shows_phone(caller) or user.id == caller.user_id
        return pb.GetUserResponse(user=user_message(user, full_phone=full))

    def CreateUser(self, request, context):
        caller = get_caller()
        key = request.idempotency_key or (current_call.get().idempotency_key or "")
        user = self.users.create_user(caller, NewUser(
            username=request.username, display_name=request.display_name,
            password=request.password, email=request.email, phone=request.phone,
            roles=tuple(request.roles), org_unit_id=request.org_unit_id),
            idempotency_key=key, origin=_origin())
        return pb.CreateUserResponse(user=user_message(user, full_phone=True))

    def FreezeUser(self, request, context):
        caller = optional_caller()
        change = self.users.freeze(caller, request.user_id, reason=request.reason,
                                   automatic=request.automatic, internal=is_internal_call(),
                                   origin=_origin())
        return pb.FreezeUserResponse(user=user_message(change.user,
                                                       full_phone=_shows_phone(caller)),
                                     changed=change.changed)

    def UnfreezeUser(self, request, context):
        caller = get_caller()
        change = self.users.unfreeze(caller, request.user_id, reason=request.reason,
                                     origin=_origin())
        return pb.UnfreezeUserResponse(user=user_message(change.user, full_phone=True),
                                       changed=change.changed)

    def MarkUserLeft(self, request, context):
        caller = get_caller()
        user = self.users.mark_left(caller, request.user_id, request.successor_user_id,
                                    origin=_origin())
        return pb.MarkUserLeftResponse(user=user_message(user, full_phone=True))

    def CreateServiceAccount(self, request, context):
        user, client_id, secret = self.users.create_service_account(
            get_caller(), request.name, request.org_unit_id, origin=_origin())
        return pb.CreateServiceAccountResponse(user=user_message(user, full_phone=True),
                                               client_id=client_id, client_secret=secret)

    # -- org tree -----------------------------------------------------------------------
    def ListOrgUnits(self, request, context):
        get_caller()
        return pb.ListOrgUnitsResponse(
            org_units=[org_unit_message(u) for u in self.users.list_org_units()])

    def CreateOrgUnit(self, request, context):
        unit = self.users.create_org_unit(
            get_caller(), parent_id=request.parent_id,
            kind=_KIND_NAMES.get(request.kind, ""), name=request.name, code=request.code,
            origin=_origin())
        return pb.CreateOrgUnitResponse(org_unit=org_unit_message(unit))

    # -- audit --------------------------------------------------------------------------
    def ListAuditEvents(self, request, context):
        caller = get_caller()
        if not caller.can(roles.AUDIT_READ):
            raise kit_errors.PermissionDenied("audit.read right required",
                                              reason="permission.denied",
                                              message_zh="需要审计查看权限")
        query = audit.AuditQuery(
            actor_user_id=request.actor_user_id, action=request.action,
            target_type=request.target_type, target_id=request.target_id,
            outcome=request.outcome,
            since=request.since.ToDatetime(dt.UTC) if request.HasField("since") else None,
            until=request.until.ToDatetime(dt.UTC) if request.HasField("until") else None)
        with self.users.db.session() as s:
            rows, next_token = audit.list_events(s, query, request.page_size, request.page_token)
            messages = [audit_message(e) for e in rows]
        return pb.ListAuditEventsResponse(audit_events=messages, next_page_token=next_token)


class Application:
    """Everything the api process wires together (tests build one in-process)."""

    def __init__(self, settings: IdentitySettings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db or Database(settings.database_url)
        self.keys = SigningKeys.from_settings(settings)
        self.passwords = Passwords(time_cost=settings.argon2_time_cost,
                                   memory_kib=settings.argon2_memory_kib,
                                   parallelism=settings.argon2_parallelism)
        self.auth = AuthService(self.db, settings, self.keys, self.passwords)
        self.users = UserService(self.db, self.passwords, self.auth)
        self.servicer = IdentityServicer(self.auth, self.users, self.keys, settings)
        self.internal_token = settings.internal_token or load_internal_token()
        # Identity verifies its own tokens from its own keys (no network round trip).
        self.key_set = KeySet(self.keys.jwks)

    def server_kwargs(self) -> dict:
        return dict(
            servicer_adders=[(identity_pb2_grpc.add_IdentityServiceServicer_to_server,
                              self.servicer)],
            service_full_names=[SERVICE_NAME], part="identity", key_set=self.key_set,
            public_methods=PUBLIC_METHODS, internal_token=self.internal_token,
            caller_check=self.auth.check_caller, max_workers=self.settings.grpc_max_workers)


def main() -> None:
    configure_logging("identity")
    settings = load_settings()
    app = Application(settings)
    serve(address=settings.grpc_address, metrics_port=settings.metrics_port,
          **app.server_kwargs())


if __name__ == "__main__":
    main()
