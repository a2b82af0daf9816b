import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HoldingCap(_message.Message):
    __slots__ = ("role", "max_customers")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    MAX_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    role: str
    max_customers: int
    def __init__(self, role: _Optional[str] = ..., max_customers: _Optional[int] = ...) -> None: ...

class PoolSettings(_message.Message):
    __slots__ = ("enabled", "follow_up_days", "deal_days", "warning_days", "caps", "version", "updated_by", "updated_at")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_DAYS_FIELD_NUMBER: _ClassVar[int]
    DEAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    WARNING_DAYS_FIELD_NUMBER: _ClassVar[int]
    CAPS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    follow_up_days: int
    deal_days: int
    warning_days: int
    caps: _containers.RepeatedCompositeFieldContainer[HoldingCap]
    version: int
    updated_by: str
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, enabled: _Optional[bool] = ..., follow_up_days: _Optional[int] = ..., deal_days: _Optional[int] = ..., warning_days: _Optional[int] = ..., caps: _Optional[_Iterable[_Union[HoldingCap, _Mapping]]] = ..., version: _Optional[int] = ..., updated_by: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetPoolSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetPoolSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: PoolSettings
    def __init__(self, settings: _Optional[_Union[PoolSettings, _Mapping]] = ...) -> None: ...

class UpdatePoolSettingsRequest(_message.Message):
    __slots__ = ("settings", "idempotency_key")
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    settings: PoolSettings
    idempotency_key: str
    def __init__(self, settings: _Optional[_Union[PoolSettings, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class UpdatePoolSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: PoolSettings
    def __init__(self, settings: _Optional[_Union[PoolSettings, _Mapping]] = ...) -> None: ...

class PoolCustomer(_message.Message):
    __slots__ = ("id", "masked_name", "masked_phone", "region", "tags", "stage", "source_channel_id", "pool_region_id", "pool_department_id", "in_pool_since", "pool_reason", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    MASKED_NAME_FIELD_NUMBER: _ClassVar[int]
    MASKED_PHONE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    POOL_REGION_ID_FIELD_NUMBER: _ClassVar[int]
    POOL_DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    IN_POOL_SINCE_FIELD_NUMBER: _ClassVar[int]
    POOL_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    masked_name: str
    masked_phone: str
    region: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    stage: str
    source_channel_id: str
    pool_region_id: str
    pool_department_id: str
    in_pool_since: _timestamp_pb2.Timestamp
    pool_reason: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., masked_name: _Optional[str] = ..., masked_phone: _Optional[str] = ..., region: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., stage: _Optional[str] = ..., source_channel_id: _Optional[str] = ..., pool_region_id: _Optional[str] = ..., pool_department_id: _Optional[str] = ..., in_pool_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pool_reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPoolCustomersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "tag", "region", "reason")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    tag: str
    region: str
    reason: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., tag: _Optional[str] = ..., region: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListPoolCustomersResponse(_message.Message):
    __slots__ = ("customers", "next_page_token")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[PoolCustomer]
    next_page_token: str
    def __init__(self, customers: _Optional[_Iterable[_Union[PoolCustomer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ClaimPoolCustomerRequest(_message.Message):
    __slots__ = ("customer_id", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ClaimPoolCustomerResponse(_message.Message):
    __slots__ = ("customer_id", "owner_id", "protected_until", "held", "cap")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    PROTECTED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    HELD_FIELD_NUMBER: _ClassVar[int]
    CAP_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    protected_until: _timestamp_pb2.Timestamp
    held: int
    cap: int
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., protected_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., held: _Optional[int] = ..., cap: _Optional[int] = ...) -> None: ...

class AssignmentRule(_message.Message):
    __slots__ = ("id", "name", "position", "enabled", "match_regions", "match_tags", "strategy", "user_ids", "department_id", "version", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MATCH_REGIONS_FIELD_NUMBER: _ClassVar[int]
    MATCH_TAGS_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    position: int
    enabled: bool
    match_regions: _containers.RepeatedScalarFieldContainer[str]
    match_tags: _containers.RepeatedScalarFieldContainer[str]
    strategy: str
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    department_id: str
    version: int
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., position: _Optional[int] = ..., enabled: _Optional[bool] = ..., match_regions: _Optional[_Iterable[str]] = ..., match_tags: _Optional[_Iterable[str]] = ..., strategy: _Optional[str] = ..., user_ids: _Optional[_Iterable[str]] = ..., department_id: _Optional[str] = ..., version: _Optional[int] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAssignmentRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAssignmentRulesResponse(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[AssignmentRule]
    def __init__(self, rules: _Optional[_Iterable[_Union[AssignmentRule, _Mapping]]] = ...) -> None: ...

class CreateAssignmentRuleRequest(_message.Message):
    __slots__ = ("rule", "idempotency_key")
    RULE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    rule: AssignmentRule
    idempotency_key: str
    def __init__(self, rule: _Optional[_Union[AssignmentRule, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class UpdateAssignmentRuleRequest(_message.Message):
    __slots__ = ("rule", "idempotency_key")
    RULE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    rule: AssignmentRule
    idempotency_key: str
    def __init__(self, rule: _Optional[_Union[AssignmentRule, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class AssignmentRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: AssignmentRule
    def __init__(self, rule: _Optional[_Union[AssignmentRule, _Mapping]] = ...) -> None: ...

class DeleteAssignmentRuleRequest(_message.Message):
    __slots__ = ("rule_id", "idempotency_key")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    idempotency_key: str
    def __init__(self, rule_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DeleteAssignmentRuleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LeadToAssign(_message.Message):
    __slots__ = ("customer_id", "region", "tags")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    region: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, customer_id: _Optional[str] = ..., region: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("user_id", "load", "cap", "eligible", "note")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAD_FIELD_NUMBER: _ClassVar[int]
    CAP_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    load: int
    cap: int
    eligible: bool
    note: str
    def __init__(self, user_id: _Optional[str] = ..., load: _Optional[int] = ..., cap: _Optional[int] = ..., eligible: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class RuleConsidered(_message.Message):
    __slots__ = ("rule_id", "rule_name", "matched", "why")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_NAME_FIELD_NUMBER: _ClassVar[int]
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    rule_name: str
    matched: bool
    why: str
    def __init__(self, rule_id: _Optional[str] = ..., rule_name: _Optional[str] = ..., matched: _Optional[bool] = ..., why: _Optional[str] = ...) -> None: ...

class AssignmentDecision(_message.Message):
    __slots__ = ("index", "customer_id", "assignee_id", "rule_id", "strategy", "why", "rules", "candidates", "outcome")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    index: int
    customer_id: str
    assignee_id: str
    rule_id: str
    strategy: str
    why: str
    rules: _containers.RepeatedCompositeFieldContainer[RuleConsidered]
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    outcome: str
    def __init__(self, index: _Optional[int] = ..., customer_id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., rule_id: _Optional[str] = ..., strategy: _Optional[str] = ..., why: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[RuleConsidered, _Mapping]]] = ..., candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ..., outcome: _Optional[str] = ...) -> None: ...

class DryRunAssignmentRequest(_message.Message):
    __slots__ = ("leads",)
    LEADS_FIELD_NUMBER: _ClassVar[int]
    leads: _containers.RepeatedCompositeFieldContainer[LeadToAssign]
    def __init__(self, leads: _Optional[_Iterable[_Union[LeadToAssign, _Mapping]]] = ...) -> None: ...

class DryRunAssignmentResponse(_message.Message):
    __slots__ = ("decisions",)
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[AssignmentDecision]
    def __init__(self, decisions: _Optional[_Iterable[_Union[AssignmentDecision, _Mapping]]] = ...) -> None: ...

class ApplyAssignmentRequest(_message.Message):
    __slots__ = ("customer_ids", "idempotency_key")
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    idempotency_key: str
    def __init__(self, customer_ids: _Optional[_Iterable[str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ApplyAssignmentResponse(_message.Message):
    __slots__ = ("decisions",)
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[AssignmentDecision]
    def __init__(self, decisions: _Optional[_Iterable[_Union[AssignmentDecision, _Mapping]]] = ...) -> None: ...
