import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USER_STATUS_UNSPECIFIED: _ClassVar[UserStatus]
    USER_STATUS_ACTIVE: _ClassVar[UserStatus]
    USER_STATUS_FROZEN: _ClassVar[UserStatus]
    USER_STATUS_LEFT: _ClassVar[UserStatus]

class OrgUnitKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORG_UNIT_KIND_UNSPECIFIED: _ClassVar[OrgUnitKind]
    ORG_UNIT_KIND_COMPANY: _ClassVar[OrgUnitKind]
    ORG_UNIT_KIND_REGION: _ClassVar[OrgUnitKind]
    ORG_UNIT_KIND_BRANCH: _ClassVar[OrgUnitKind]
    ORG_UNIT_KIND_DEPARTMENT: _ClassVar[OrgUnitKind]
USER_STATUS_UNSPECIFIED: UserStatus
USER_STATUS_ACTIVE: UserStatus
USER_STATUS_FROZEN: UserStatus
USER_STATUS_LEFT: UserStatus
ORG_UNIT_KIND_UNSPECIFIED: OrgUnitKind
ORG_UNIT_KIND_COMPANY: OrgUnitKind
ORG_UNIT_KIND_REGION: OrgUnitKind
ORG_UNIT_KIND_BRANCH: OrgUnitKind
ORG_UNIT_KIND_DEPARTMENT: OrgUnitKind

class User(_message.Message):
    __slots__ = ("id", "username", "display_name", "email", "phone", "roles", "org_unit_id", "department_id", "region_id", "data_scope", "rights", "status", "frozen_reason", "created_at", "service_account")
    ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_SCOPE_FIELD_NUMBER: _ClassVar[int]
    RIGHTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FROZEN_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    id: str
    username: str
    display_name: str
    email: str
    phone: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    org_unit_id: str
    department_id: str
    region_id: str
    data_scope: str
    rights: _containers.RepeatedScalarFieldContainer[str]
    status: UserStatus
    frozen_reason: str
    created_at: _timestamp_pb2.Timestamp
    service_account: bool
    def __init__(self, id: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., org_unit_id: _Optional[str] = ..., department_id: _Optional[str] = ..., region_id: _Optional[str] = ..., data_scope: _Optional[str] = ..., rights: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[UserStatus, str]] = ..., frozen_reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service_account: _Optional[bool] = ...) -> None: ...

class OrgUnit(_message.Message):
    __slots__ = ("id", "parent_id", "kind", "name", "code")
    ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    id: str
    parent_id: str
    kind: OrgUnitKind
    name: str
    code: str
    def __init__(self, id: _Optional[str] = ..., parent_id: _Optional[str] = ..., kind: _Optional[_Union[OrgUnitKind, str]] = ..., name: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class TokenPair(_message.Message):
    __slots__ = ("access_token", "refresh_token", "token_type", "expires_in")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOKEN_TYPE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    def __init__(self, access_token: _Optional[str] = ..., refresh_token: _Optional[str] = ..., token_type: _Optional[str] = ..., expires_in: _Optional[int] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("username", "password", "client_address", "user_agent")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    client_address: str
    user_agent: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ..., client_address: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class LoginResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: TokenPair
    def __init__(self, tokens: _Optional[_Union[TokenPair, _Mapping]] = ...) -> None: ...

class RefreshTokenRequest(_message.Message):
    __slots__ = ("refresh_token", "client_address")
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    client_address: str
    def __init__(self, refresh_token: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class RefreshTokenResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: TokenPair
    def __init__(self, tokens: _Optional[_Union[TokenPair, _Mapping]] = ...) -> None: ...

class LogoutRequest(_message.Message):
    __slots__ = ("refresh_token",)
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    def __init__(self, refresh_token: _Optional[str] = ...) -> None: ...

class LogoutResponse(_message.Message):
    __slots__ = ("session_id", "revoked_for_seconds")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    REVOKED_FOR_SECONDS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    revoked_for_seconds: int
    def __init__(self, session_id: _Optional[str] = ..., revoked_for_seconds: _Optional[int] = ...) -> None: ...

class IssueServiceTokenRequest(_message.Message):
    __slots__ = ("client_id", "client_secret")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    client_secret: str
    def __init__(self, client_id: _Optional[str] = ..., client_secret: _Optional[str] = ...) -> None: ...

class IssueServiceTokenResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: TokenPair
    def __init__(self, tokens: _Optional[_Union[TokenPair, _Mapping]] = ...) -> None: ...

class GetSigningKeysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSigningKeysResponse(_message.Message):
    __slots__ = ("jwks_json",)
    JWKS_JSON_FIELD_NUMBER: _ClassVar[int]
    jwks_json: str
    def __init__(self, jwks_json: _Optional[str] = ...) -> None: ...

class GetMeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetMeResponse(_message.Message):
    __slots__ = ("user", "org_unit")
    USER_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    user: User
    org_unit: OrgUnit
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., org_unit: _Optional[_Union[OrgUnit, _Mapping]] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "org_unit_id", "query", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    org_unit_id: str
    query: str
    status: UserStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., org_unit_id: _Optional[str] = ..., query: _Optional[str] = ..., status: _Optional[_Union[UserStatus, str]] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("users", "next_page_token")
    USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[User]
    next_page_token: str
    def __init__(self, users: _Optional[_Iterable[_Union[User, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class GetUserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class CreateUserRequest(_message.Message):
    __slots__ = ("username", "display_name", "password", "email", "phone", "roles", "org_unit_id", "idempotency_key")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    username: str
    display_name: str
    password: str
    email: str
    phone: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    org_unit_id: str
    idempotency_key: str
    def __init__(self, username: _Optional[str] = ..., display_name: _Optional[str] = ..., password: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., org_unit_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateUserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class FreezeUserRequest(_message.Message):
    __slots__ = ("user_id", "reason", "automatic")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AUTOMATIC_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    reason: str
    automatic: bool
    def __init__(self, user_id: _Optional[str] = ..., reason: _Optional[str] = ..., automatic: _Optional[bool] = ...) -> None: ...

class FreezeUserResponse(_message.Message):
    __slots__ = ("user", "changed")
    USER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    user: User
    changed: bool
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class UnfreezeUserRequest(_message.Message):
    __slots__ = ("user_id", "reason")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    reason: str
    def __init__(self, user_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UnfreezeUserResponse(_message.Message):
    __slots__ = ("user", "changed")
    USER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    user: User
    changed: bool
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., changed: _Optional[bool] = ...) -> None: ...

class MarkUserLeftRequest(_message.Message):
    __slots__ = ("user_id", "successor_user_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    successor_user_id: str
    def __init__(self, user_id: _Optional[str] = ..., successor_user_id: _Optional[str] = ...) -> None: ...

class MarkUserLeftResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class CreateServiceAccountRequest(_message.Message):
    __slots__ = ("name", "org_unit_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    org_unit_id: str
    def __init__(self, name: _Optional[str] = ..., org_unit_id: _Optional[str] = ...) -> None: ...

class CreateServiceAccountResponse(_message.Message):
    __slots__ = ("user", "client_id", "client_secret")
    USER_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    user: User
    client_id: str
    client_secret: str
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., client_id: _Optional[str] = ..., client_secret: _Optional[str] = ...) -> None: ...

class ListOrgUnitsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListOrgUnitsResponse(_message.Message):
    __slots__ = ("org_units",)
    ORG_UNITS_FIELD_NUMBER: _ClassVar[int]
    org_units: _containers.RepeatedCompositeFieldContainer[OrgUnit]
    def __init__(self, org_units: _Optional[_Iterable[_Union[OrgUnit, _Mapping]]] = ...) -> None: ...

class CreateOrgUnitRequest(_message.Message):
    __slots__ = ("parent_id", "kind", "name", "code")
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    parent_id: str
    kind: OrgUnitKind
    name: str
    code: str
    def __init__(self, parent_id: _Optional[str] = ..., kind: _Optional[_Union[OrgUnitKind, str]] = ..., name: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class CreateOrgUnitResponse(_message.Message):
    __slots__ = ("org_unit",)
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    org_unit: OrgUnit
    def __init__(self, org_unit: _Optional[_Union[OrgUnit, _Mapping]] = ...) -> None: ...

class AuditEvent(_message.Message):
    __slots__ = ("id", "occurred_at", "actor_user_id", "actor_username", "action", "method", "path", "target_type", "target_id", "outcome", "status_code", "client_address", "user_agent", "correlation_id", "detail_json", "source")
    ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_USERNAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TARGET_TYPE_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    DETAIL_JSON_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    occurred_at: _timestamp_pb2.Timestamp
    actor_user_id: str
    actor_username: str
    action: str
    method: str
    path: str
    target_type: str
    target_id: str
    outcome: str
    status_code: int
    client_address: str
    user_agent: str
    correlation_id: str
    detail_json: str
    source: str
    def __init__(self, id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor_user_id: _Optional[str] = ..., actor_username: _Optional[str] = ..., action: _Optional[str] = ..., method: _Optional[str] = ..., path: _Optional[str] = ..., target_type: _Optional[str] = ..., target_id: _Optional[str] = ..., outcome: _Optional[str] = ..., status_code: _Optional[int] = ..., client_address: _Optional[str] = ..., user_agent: _Optional[str] = ..., correlation_id: _Optional[str] = ..., detail_json: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class ListAuditEventsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "actor_user_id", "action", "target_type", "target_id", "since", "until", "outcome")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACTOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TARGET_TYPE_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    actor_user_id: str
    action: str
    target_type: str
    target_id: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    outcome: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., actor_user_id: _Optional[str] = ..., action: _Optional[str] = ..., target_type: _Optional[str] = ..., target_id: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[str] = ...) -> None: ...

class ListAuditEventsResponse(_message.Message):
    __slots__ = ("audit_events", "next_page_token")
    AUDIT_EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    audit_events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    next_page_token: str
    def __init__(self, audit_events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
