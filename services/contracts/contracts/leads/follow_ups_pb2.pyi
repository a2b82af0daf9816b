import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Person(_message.Message):
    __slots__ = ("user_id", "name", "department_id", "region_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    name: str
    department_id: str
    region_id: str
    def __init__(self, user_id: _Optional[str] = ..., name: _Optional[str] = ..., department_id: _Optional[str] = ..., region_id: _Optional[str] = ...) -> None: ...

class FollowUp(_message.Message):
    __slots__ = ("id", "customer_id", "type", "occurred_at", "content", "outcome", "next_step", "recorded_by", "plan_id", "recorded_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    type: str
    occurred_at: _timestamp_pb2.Timestamp
    content: str
    outcome: str
    next_step: str
    recorded_by: Person
    plan_id: str
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., type: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., content: _Optional[str] = ..., outcome: _Optional[str] = ..., next_step: _Optional[str] = ..., recorded_by: _Optional[_Union[Person, _Mapping]] = ..., plan_id: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FollowUpFields(_message.Message):
    __slots__ = ("type", "occurred_at", "content", "outcome", "next_step")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    type: str
    occurred_at: _timestamp_pb2.Timestamp
    content: str
    outcome: str
    next_step: str
    def __init__(self, type: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., content: _Optional[str] = ..., outcome: _Optional[str] = ..., next_step: _Optional[str] = ...) -> None: ...

class FollowUpType(_message.Message):
    __slots__ = ("code", "name", "built_in", "active")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BUILT_IN_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    built_in: bool
    active: bool
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., built_in: _Optional[bool] = ..., active: _Optional[bool] = ...) -> None: ...

class Requester(_message.Message):
    __slots__ = ("user_id", "plan_id", "note")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    plan_id: str
    note: str
    def __init__(self, user_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class FollowUpPlan(_message.Message):
    __slots__ = ("id", "customer_id", "owner", "type", "due_at", "note", "status", "requesters", "created_by", "created_at", "updated_at", "completed_at", "follow_up_id", "cancelled_reason", "merged_into_id", "overdue", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTERS_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_ID_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_REASON_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_ID_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    owner: Person
    type: str
    due_at: _timestamp_pb2.Timestamp
    note: str
    status: str
    requesters: _containers.RepeatedCompositeFieldContainer[Requester]
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    follow_up_id: str
    cancelled_reason: str
    merged_into_id: str
    overdue: bool
    version: int
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., owner: _Optional[_Union[Person, _Mapping]] = ..., type: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., status: _Optional[str] = ..., requesters: _Optional[_Iterable[_Union[Requester, _Mapping]]] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., follow_up_id: _Optional[str] = ..., cancelled_reason: _Optional[str] = ..., merged_into_id: _Optional[str] = ..., overdue: _Optional[bool] = ..., version: _Optional[int] = ...) -> None: ...

class RecordFollowUpRequest(_message.Message):
    __slots__ = ("customer_id", "follow_up", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    follow_up: FollowUpFields
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., follow_up: _Optional[_Union[FollowUpFields, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class RecordFollowUpResponse(_message.Message):
    __slots__ = ("follow_up",)
    FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    follow_up: FollowUp
    def __init__(self, follow_up: _Optional[_Union[FollowUp, _Mapping]] = ...) -> None: ...

class ListFollowUpsRequest(_message.Message):
    __slots__ = ("customer_id", "page_size", "page_token", "type")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    page_size: int
    page_token: str
    type: str
    def __init__(self, customer_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., type: _Optional[str] = ...) -> None: ...

class ListFollowUpsResponse(_message.Message):
    __slots__ = ("follow_ups", "next_page_token")
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    follow_ups: _containers.RepeatedCompositeFieldContainer[FollowUp]
    next_page_token: str
    def __init__(self, follow_ups: _Optional[_Iterable[_Union[FollowUp, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListFollowUpTypesRequest(_message.Message):
    __slots__ = ("include_inactive",)
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    include_inactive: bool
    def __init__(self, include_inactive: _Optional[bool] = ...) -> None: ...

class ListFollowUpTypesResponse(_message.Message):
    __slots__ = ("types",)
    TYPES_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedCompositeFieldContainer[FollowUpType]
    def __init__(self, types: _Optional[_Iterable[_Union[FollowUpType, _Mapping]]] = ...) -> None: ...

class DefineFollowUpTypeRequest(_message.Message):
    __slots__ = ("code", "name", "active", "idempotency_key")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    active: bool
    idempotency_key: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., active: _Optional[bool] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DefineFollowUpTypeResponse(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: FollowUpType
    def __init__(self, type: _Optional[_Union[FollowUpType, _Mapping]] = ...) -> None: ...

class CreateFollowUpPlanRequest(_message.Message):
    __slots__ = ("customer_id", "due_at", "type", "note", "owner_id", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    due_at: _timestamp_pb2.Timestamp
    type: str
    note: str
    owner_id: str
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., type: _Optional[str] = ..., note: _Optional[str] = ..., owner_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateFollowUpPlanResponse(_message.Message):
    __slots__ = ("plan", "other_open_plans")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    OTHER_OPEN_PLANS_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    other_open_plans: _containers.RepeatedCompositeFieldContainer[FollowUpPlan]
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ..., other_open_plans: _Optional[_Iterable[_Union[FollowUpPlan, _Mapping]]] = ...) -> None: ...

class GetFollowUpPlanRequest(_message.Message):
    __slots__ = ("plan_id",)
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    def __init__(self, plan_id: _Optional[str] = ...) -> None: ...

class GetFollowUpPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ...) -> None: ...

class ListFollowUpPlansRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "owner_id", "status", "due_before")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUE_BEFORE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    owner_id: str
    status: str
    due_before: _timestamp_pb2.Timestamp
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., status: _Optional[str] = ..., due_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListFollowUpPlansResponse(_message.Message):
    __slots__ = ("plans", "next_page_token")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[FollowUpPlan]
    next_page_token: str
    def __init__(self, plans: _Optional[_Iterable[_Union[FollowUpPlan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CompleteFollowUpPlanRequest(_message.Message):
    __slots__ = ("plan_id", "follow_up", "idempotency_key")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    follow_up: FollowUpFields
    idempotency_key: str
    def __init__(self, plan_id: _Optional[str] = ..., follow_up: _Optional[_Union[FollowUpFields, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CompleteFollowUpPlanResponse(_message.Message):
    __slots__ = ("plan", "follow_up")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    follow_up: FollowUp
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ..., follow_up: _Optional[_Union[FollowUp, _Mapping]] = ...) -> None: ...

class DelegateFollowUpPlanRequest(_message.Message):
    __slots__ = ("plan_id", "to_user_id", "note", "idempotency_key")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    to_user_id: str
    note: str
    idempotency_key: str
    def __init__(self, plan_id: _Optional[str] = ..., to_user_id: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DelegateFollowUpPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ...) -> None: ...

class CancelFollowUpPlanRequest(_message.Message):
    __slots__ = ("plan_id", "reason", "idempotency_key")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    reason: str
    idempotency_key: str
    def __init__(self, plan_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CancelFollowUpPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ...) -> None: ...

class MergeFollowUpPlansRequest(_message.Message):
    __slots__ = ("plan_ids", "into_plan_id", "due_at", "note", "idempotency_key")
    PLAN_IDS_FIELD_NUMBER: _ClassVar[int]
    INTO_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    plan_ids: _containers.RepeatedScalarFieldContainer[str]
    into_plan_id: str
    due_at: _timestamp_pb2.Timestamp
    note: str
    idempotency_key: str
    def __init__(self, plan_ids: _Optional[_Iterable[str]] = ..., into_plan_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class MergeFollowUpPlansResponse(_message.Message):
    __slots__ = ("plan", "merged_plan_ids")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    MERGED_PLAN_IDS_FIELD_NUMBER: _ClassVar[int]
    plan: FollowUpPlan
    merged_plan_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ..., merged_plan_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ToDoItem(_message.Message):
    __slots__ = ("kind", "id", "customer_id", "due_at", "overdue", "summary", "plan")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    kind: str
    id: str
    customer_id: str
    due_at: _timestamp_pb2.Timestamp
    overdue: bool
    summary: str
    plan: FollowUpPlan
    def __init__(self, kind: _Optional[str] = ..., id: _Optional[str] = ..., customer_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., overdue: _Optional[bool] = ..., summary: _Optional[str] = ..., plan: _Optional[_Union[FollowUpPlan, _Mapping]] = ...) -> None: ...

class GetToDoRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class GetToDoResponse(_message.Message):
    __slots__ = ("items", "truncated")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ToDoItem]
    truncated: bool
    def __init__(self, items: _Optional[_Iterable[_Union[ToDoItem, _Mapping]]] = ..., truncated: _Optional[bool] = ...) -> None: ...

class GetPlanStatisticsRequest(_message.Message):
    __slots__ = ("from_date", "to_date", "user_id", "department_id")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    user_id: str
    department_id: str
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., user_id: _Optional[str] = ..., department_id: _Optional[str] = ...) -> None: ...

class PlanStatisticsRow(_message.Message):
    __slots__ = ("user_id", "user_name", "date", "planned", "completed", "overdue", "follow_ups")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PLANNED_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    user_name: str
    date: str
    planned: int
    completed: int
    overdue: int
    follow_ups: int
    def __init__(self, user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., date: _Optional[str] = ..., planned: _Optional[int] = ..., completed: _Optional[int] = ..., overdue: _Optional[int] = ..., follow_ups: _Optional[int] = ...) -> None: ...

class GetPlanStatisticsResponse(_message.Message):
    __slots__ = ("rows", "time_zone")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[PlanStatisticsRow]
    time_zone: str
    def __init__(self, rows: _Optional[_Iterable[_Union[PlanStatisticsRow, _Mapping]]] = ..., time_zone: _Optional[str] = ...) -> None: ...

class CustomerFollowUps(_message.Message):
    __slots__ = ("follow_ups", "open_plans")
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    OPEN_PLANS_FIELD_NUMBER: _ClassVar[int]
    follow_ups: _containers.RepeatedCompositeFieldContainer[FollowUp]
    open_plans: _containers.RepeatedCompositeFieldContainer[FollowUpPlan]
    def __init__(self, follow_ups: _Optional[_Iterable[_Union[FollowUp, _Mapping]]] = ..., open_plans: _Optional[_Iterable[_Union[FollowUpPlan, _Mapping]]] = ...) -> None: ...
