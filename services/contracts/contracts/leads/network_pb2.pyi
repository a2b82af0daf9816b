import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChannelTier(_message.Message):
    __slots__ = ("code", "name", "builtin", "position")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    builtin: bool
    position: int
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., builtin: _Optional[bool] = ..., position: _Optional[int] = ...) -> None: ...

class ListChannelTiersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListChannelTiersResponse(_message.Message):
    __slots__ = ("tiers",)
    TIERS_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[ChannelTier]
    def __init__(self, tiers: _Optional[_Iterable[_Union[ChannelTier, _Mapping]]] = ...) -> None: ...

class CreateChannelTierRequest(_message.Message):
    __slots__ = ("code", "name", "position", "idempotency_key")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    position: int
    idempotency_key: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., position: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateChannelTierResponse(_message.Message):
    __slots__ = ("tier",)
    TIER_FIELD_NUMBER: _ClassVar[int]
    tier: ChannelTier
    def __init__(self, tier: _Optional[_Union[ChannelTier, _Mapping]] = ...) -> None: ...

class ChannelFields(_message.Message):
    __slots__ = ("name", "tier", "parent_id", "region_id", "department_id", "owner_id", "owner_name", "contact_name", "contact_phone", "contact_email", "address", "notes", "active", "inactive")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PHONE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    INACTIVE_FIELD_NUMBER: _ClassVar[int]
    name: str
    tier: str
    parent_id: str
    region_id: str
    department_id: str
    owner_id: str
    owner_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    address: str
    notes: str
    active: bool
    inactive: bool
    def __init__(self, name: _Optional[str] = ..., tier: _Optional[str] = ..., parent_id: _Optional[str] = ..., region_id: _Optional[str] = ..., department_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., owner_name: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_phone: _Optional[str] = ..., contact_email: _Optional[str] = ..., address: _Optional[str] = ..., notes: _Optional[str] = ..., active: _Optional[bool] = ..., inactive: _Optional[bool] = ...) -> None: ...

class Channel(_message.Message):
    __slots__ = ("id", "name", "tier", "parent_id", "region_id", "department_id", "owner_id", "owner_name", "contact_name", "contact_phone", "contact_email", "address", "notes", "active", "customers_count", "attributed_revenue_fen", "personal_data_masked", "created_at", "updated_at", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PHONE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_REVENUE_FEN_FIELD_NUMBER: _ClassVar[int]
    PERSONAL_DATA_MASKED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    tier: str
    parent_id: str
    region_id: str
    department_id: str
    owner_id: str
    owner_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    address: str
    notes: str
    active: bool
    customers_count: int
    attributed_revenue_fen: int
    personal_data_masked: bool
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., tier: _Optional[str] = ..., parent_id: _Optional[str] = ..., region_id: _Optional[str] = ..., department_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., owner_name: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_phone: _Optional[str] = ..., contact_email: _Optional[str] = ..., address: _Optional[str] = ..., notes: _Optional[str] = ..., active: _Optional[bool] = ..., customers_count: _Optional[int] = ..., attributed_revenue_fen: _Optional[int] = ..., personal_data_masked: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class CreateChannelRequest(_message.Message):
    __slots__ = ("channel", "idempotency_key")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    channel: ChannelFields
    idempotency_key: str
    def __init__(self, channel: _Optional[_Union[ChannelFields, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class GetChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ("tier", "parent_id", "roots_only", "active", "region_id", "q", "page_size", "page_token")
    TIER_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    ROOTS_ONLY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    Q_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tier: str
    parent_id: str
    roots_only: bool
    active: str
    region_id: str
    q: str
    page_size: int
    page_token: str
    def __init__(self, tier: _Optional[str] = ..., parent_id: _Optional[str] = ..., roots_only: _Optional[bool] = ..., active: _Optional[str] = ..., region_id: _Optional[str] = ..., q: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ("channels", "next_page_token")
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    next_page_token: str
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetChannelTreeRequest(_message.Message):
    __slots__ = ("root_id", "tier", "include_inactive")
    ROOT_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    root_id: str
    tier: str
    include_inactive: bool
    def __init__(self, root_id: _Optional[str] = ..., tier: _Optional[str] = ..., include_inactive: _Optional[bool] = ...) -> None: ...

class ChannelNode(_message.Message):
    __slots__ = ("channel", "depth")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    depth: int
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., depth: _Optional[int] = ...) -> None: ...

class GetChannelTreeResponse(_message.Message):
    __slots__ = ("nodes", "truncated")
    NODES_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[ChannelNode]
    truncated: bool
    def __init__(self, nodes: _Optional[_Iterable[_Union[ChannelNode, _Mapping]]] = ..., truncated: _Optional[bool] = ...) -> None: ...

class UpdateChannelRequest(_message.Message):
    __slots__ = ("channel_id", "channel", "update_fields", "idempotency_key")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    channel: ChannelFields
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    idempotency_key: str
    def __init__(self, channel_id: _Optional[str] = ..., channel: _Optional[_Union[ChannelFields, _Mapping]] = ..., update_fields: _Optional[_Iterable[str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class UpdateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DeleteChannelRequest(_message.Message):
    __slots__ = ("channel_id", "idempotency_key")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    idempotency_key: str
    def __init__(self, channel_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DeleteChannelResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ChannelVisit(_message.Message):
    __slots__ = ("id", "channel_id", "visitor_id", "visitor_name", "visited_at", "notes", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    VISITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    VISITED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    channel_id: str
    visitor_id: str
    visitor_name: str
    visited_at: _timestamp_pb2.Timestamp
    notes: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., channel_id: _Optional[str] = ..., visitor_id: _Optional[str] = ..., visitor_name: _Optional[str] = ..., visited_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., notes: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordChannelVisitRequest(_message.Message):
    __slots__ = ("channel_id", "visited_at", "notes", "idempotency_key")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    VISITED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    visited_at: _timestamp_pb2.Timestamp
    notes: str
    idempotency_key: str
    def __init__(self, channel_id: _Optional[str] = ..., visited_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., notes: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class RecordChannelVisitResponse(_message.Message):
    __slots__ = ("visit",)
    VISIT_FIELD_NUMBER: _ClassVar[int]
    visit: ChannelVisit
    def __init__(self, visit: _Optional[_Union[ChannelVisit, _Mapping]] = ...) -> None: ...

class ListChannelVisitsRequest(_message.Message):
    __slots__ = ("channel_id", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListChannelVisitsResponse(_message.Message):
    __slots__ = ("visits", "next_page_token")
    VISITS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    visits: _containers.RepeatedCompositeFieldContainer[ChannelVisit]
    next_page_token: str
    def __init__(self, visits: _Optional[_Iterable[_Union[ChannelVisit, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Referral(_message.Message):
    __slots__ = ("id", "referrer_id", "referrer_name", "referred_id", "referred_name", "referred_stage", "note", "created_by", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRER_NAME_FIELD_NUMBER: _ClassVar[int]
    REFERRED_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRED_NAME_FIELD_NUMBER: _ClassVar[int]
    REFERRED_STAGE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    referrer_id: str
    referrer_name: str
    referred_id: str
    referred_name: str
    referred_stage: str
    note: str
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., referrer_id: _Optional[str] = ..., referrer_name: _Optional[str] = ..., referred_id: _Optional[str] = ..., referred_name: _Optional[str] = ..., referred_stage: _Optional[str] = ..., note: _Optional[str] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateReferralRequest(_message.Message):
    __slots__ = ("referrer_id", "referred_id", "note", "idempotency_key")
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRED_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    referrer_id: str
    referred_id: str
    note: str
    idempotency_key: str
    def __init__(self, referrer_id: _Optional[str] = ..., referred_id: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateReferralResponse(_message.Message):
    __slots__ = ("referral",)
    REFERRAL_FIELD_NUMBER: _ClassVar[int]
    referral: Referral
    def __init__(self, referral: _Optional[_Union[Referral, _Mapping]] = ...) -> None: ...

class ListReferralsRequest(_message.Message):
    __slots__ = ("referrer_id", "referred_id", "page_size", "page_token")
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRED_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    referrer_id: str
    referred_id: str
    page_size: int
    page_token: str
    def __init__(self, referrer_id: _Optional[str] = ..., referred_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReferralsResponse(_message.Message):
    __slots__ = ("referrals", "next_page_token")
    REFERRALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    referrals: _containers.RepeatedCompositeFieldContainer[Referral]
    next_page_token: str
    def __init__(self, referrals: _Optional[_Iterable[_Union[Referral, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetReferralPromiseRequest(_message.Message):
    __slots__ = ("referrer_id", "period", "promised", "idempotency_key")
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PROMISED_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    referrer_id: str
    period: str
    promised: int
    idempotency_key: str
    def __init__(self, referrer_id: _Optional[str] = ..., period: _Optional[str] = ..., promised: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SetReferralPromiseResponse(_message.Message):
    __slots__ = ("referrer",)
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    referrer: ReferrerRanking
    def __init__(self, referrer: _Optional[_Union[ReferrerRanking, _Mapping]] = ...) -> None: ...

class GetReferralRankingsRequest(_message.Message):
    __slots__ = ("period", "limit")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    period: str
    limit: int
    def __init__(self, period: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ReferrerRanking(_message.Message):
    __slots__ = ("rank", "referrer_id", "referrer_name", "promised", "actual", "stages", "converted")
    class StagesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    RANK_FIELD_NUMBER: _ClassVar[int]
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRER_NAME_FIELD_NUMBER: _ClassVar[int]
    PROMISED_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_FIELD_NUMBER: _ClassVar[int]
    rank: int
    referrer_id: str
    referrer_name: str
    promised: int
    actual: int
    stages: _containers.ScalarMap[str, int]
    converted: int
    def __init__(self, rank: _Optional[int] = ..., referrer_id: _Optional[str] = ..., referrer_name: _Optional[str] = ..., promised: _Optional[int] = ..., actual: _Optional[int] = ..., stages: _Optional[_Mapping[str, int]] = ..., converted: _Optional[int] = ...) -> None: ...

class GetReferralRankingsResponse(_message.Message):
    __slots__ = ("period", "referrers")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    REFERRERS_FIELD_NUMBER: _ClassVar[int]
    period: str
    referrers: _containers.RepeatedCompositeFieldContainer[ReferrerRanking]
    def __init__(self, period: _Optional[str] = ..., referrers: _Optional[_Iterable[_Union[ReferrerRanking, _Mapping]]] = ...) -> None: ...

class ActivityFields(_message.Message):
    __slots__ = ("kind", "name", "description", "starts_at", "ends_at", "campus_id", "region_id", "department_id", "owner_id", "owner_name", "budget_fen", "capacity", "cancelled")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FEN_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    kind: str
    name: str
    description: str
    starts_at: _timestamp_pb2.Timestamp
    ends_at: _timestamp_pb2.Timestamp
    campus_id: str
    region_id: str
    department_id: str
    owner_id: str
    owner_name: str
    budget_fen: int
    capacity: int
    cancelled: bool
    def __init__(self, kind: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., campus_id: _Optional[str] = ..., region_id: _Optional[str] = ..., department_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., owner_name: _Optional[str] = ..., budget_fen: _Optional[int] = ..., capacity: _Optional[int] = ..., cancelled: _Optional[bool] = ...) -> None: ...

class Activity(_message.Message):
    __slots__ = ("id", "kind", "name", "description", "starts_at", "ends_at", "campus_id", "region_id", "department_id", "owner_id", "owner_name", "budget_fen", "capacity", "cancelled", "created_by", "created_at", "updated_at", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FEN_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    name: str
    description: str
    starts_at: _timestamp_pb2.Timestamp
    ends_at: _timestamp_pb2.Timestamp
    campus_id: str
    region_id: str
    department_id: str
    owner_id: str
    owner_name: str
    budget_fen: int
    capacity: int
    cancelled: bool
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., campus_id: _Optional[str] = ..., region_id: _Optional[str] = ..., department_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., owner_name: _Optional[str] = ..., budget_fen: _Optional[int] = ..., capacity: _Optional[int] = ..., cancelled: _Optional[bool] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class CreateActivityRequest(_message.Message):
    __slots__ = ("activity", "idempotency_key")
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    activity: ActivityFields
    idempotency_key: str
    def __init__(self, activity: _Optional[_Union[ActivityFields, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateActivityResponse(_message.Message):
    __slots__ = ("activity",)
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ...) -> None: ...

class GetActivityRequest(_message.Message):
    __slots__ = ("activity_id",)
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    def __init__(self, activity_id: _Optional[str] = ...) -> None: ...

class GetActivityResponse(_message.Message):
    __slots__ = ("activity",)
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ...) -> None: ...

class ListActivitiesRequest(_message.Message):
    __slots__ = ("kind", "campus_id", "starts_from", "starts_before", "page_size", "page_token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    STARTS_FROM_FIELD_NUMBER: _ClassVar[int]
    STARTS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: str
    campus_id: str
    starts_from: _timestamp_pb2.Timestamp
    starts_before: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, kind: _Optional[str] = ..., campus_id: _Optional[str] = ..., starts_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., starts_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListActivitiesResponse(_message.Message):
    __slots__ = ("activities", "next_page_token")
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    activities: _containers.RepeatedCompositeFieldContainer[Activity]
    next_page_token: str
    def __init__(self, activities: _Optional[_Iterable[_Union[Activity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateActivityRequest(_message.Message):
    __slots__ = ("activity_id", "activity", "update_fields", "idempotency_key")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    activity: ActivityFields
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    idempotency_key: str
    def __init__(self, activity_id: _Optional[str] = ..., activity: _Optional[_Union[ActivityFields, _Mapping]] = ..., update_fields: _Optional[_Iterable[str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class UpdateActivityResponse(_message.Message):
    __slots__ = ("activity",)
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ...) -> None: ...

class DeleteActivityRequest(_message.Message):
    __slots__ = ("activity_id", "idempotency_key")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    idempotency_key: str
    def __init__(self, activity_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DeleteActivityResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Registration(_message.Message):
    __slots__ = ("id", "activity_id", "customer_id", "customer_name", "customer_stage", "registered_by", "registered_at", "attended", "attended_at", "activity_name", "activity_kind", "activity_starts_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_STAGE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_BY_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_KIND_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    activity_id: str
    customer_id: str
    customer_name: str
    customer_stage: str
    registered_by: str
    registered_at: _timestamp_pb2.Timestamp
    attended: bool
    attended_at: _timestamp_pb2.Timestamp
    activity_name: str
    activity_kind: str
    activity_starts_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., activity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., customer_name: _Optional[str] = ..., customer_stage: _Optional[str] = ..., registered_by: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attended: _Optional[bool] = ..., attended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., activity_name: _Optional[str] = ..., activity_kind: _Optional[str] = ..., activity_starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegisterForActivityRequest(_message.Message):
    __slots__ = ("activity_id", "customer_id", "idempotency_key")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    customer_id: str
    idempotency_key: str
    def __init__(self, activity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class RegisterForActivityResponse(_message.Message):
    __slots__ = ("registration",)
    REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    registration: Registration
    def __init__(self, registration: _Optional[_Union[Registration, _Mapping]] = ...) -> None: ...

class ListActivityRegistrationsRequest(_message.Message):
    __slots__ = ("activity_id", "customer_id", "attended", "page_size", "page_token")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    customer_id: str
    attended: str
    page_size: int
    page_token: str
    def __init__(self, activity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., attended: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListActivityRegistrationsResponse(_message.Message):
    __slots__ = ("registrations", "next_page_token")
    REGISTRATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registrations: _containers.RepeatedCompositeFieldContainer[Registration]
    next_page_token: str
    def __init__(self, registrations: _Optional[_Iterable[_Union[Registration, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class MarkAttendanceRequest(_message.Message):
    __slots__ = ("activity_id", "customer_id", "attended", "idempotency_key")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    customer_id: str
    attended: bool
    idempotency_key: str
    def __init__(self, activity_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., attended: _Optional[bool] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class MarkAttendanceResponse(_message.Message):
    __slots__ = ("registration",)
    REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    registration: Registration
    def __init__(self, registration: _Optional[_Union[Registration, _Mapping]] = ...) -> None: ...

class GetActivityStatisticsRequest(_message.Message):
    __slots__ = ("activity_id",)
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    def __init__(self, activity_id: _Optional[str] = ...) -> None: ...

class ActivityStatistics(_message.Message):
    __slots__ = ("activity_id", "registered", "attended", "enrolled", "attendance_rate", "enrollment_rate", "budget_fen", "attributed_revenue_fen", "attributed_payments", "cost_per_attendee_fen")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_RATE_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_RATE_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FEN_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_REVENUE_FEN_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    COST_PER_ATTENDEE_FEN_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    registered: int
    attended: int
    enrolled: int
    attendance_rate: float
    enrollment_rate: float
    budget_fen: int
    attributed_revenue_fen: int
    attributed_payments: int
    cost_per_attendee_fen: int
    def __init__(self, activity_id: _Optional[str] = ..., registered: _Optional[int] = ..., attended: _Optional[int] = ..., enrolled: _Optional[int] = ..., attendance_rate: _Optional[float] = ..., enrollment_rate: _Optional[float] = ..., budget_fen: _Optional[int] = ..., attributed_revenue_fen: _Optional[int] = ..., attributed_payments: _Optional[int] = ..., cost_per_attendee_fen: _Optional[int] = ...) -> None: ...

class GetActivityStatisticsResponse(_message.Message):
    __slots__ = ("statistics",)
    STATISTICS_FIELD_NUMBER: _ClassVar[int]
    statistics: ActivityStatistics
    def __init__(self, statistics: _Optional[_Union[ActivityStatistics, _Mapping]] = ...) -> None: ...

class StaffRef(_message.Message):
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

class ServiceRequest(_message.Message):
    __slots__ = ("id", "customer_id", "kind", "priority", "subject", "description", "status", "owner", "recorded_by", "due_at", "overdue", "resolution", "resolved_at", "closed_at", "reopened_count", "created_at", "updated_at", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    REOPENED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    kind: str
    priority: str
    subject: str
    description: str
    status: str
    owner: StaffRef
    recorded_by: str
    due_at: _timestamp_pb2.Timestamp
    overdue: bool
    resolution: str
    resolved_at: _timestamp_pb2.Timestamp
    closed_at: _timestamp_pb2.Timestamp
    reopened_count: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., kind: _Optional[str] = ..., priority: _Optional[str] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., status: _Optional[str] = ..., owner: _Optional[_Union[StaffRef, _Mapping]] = ..., recorded_by: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., overdue: _Optional[bool] = ..., resolution: _Optional[str] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reopened_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class CreateServiceRequestRequest(_message.Message):
    __slots__ = ("customer_id", "kind", "priority", "subject", "description", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    kind: str
    priority: str
    subject: str
    description: str
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., kind: _Optional[str] = ..., priority: _Optional[str] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateServiceRequestResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ServiceRequest
    def __init__(self, request: _Optional[_Union[ServiceRequest, _Mapping]] = ...) -> None: ...

class GetServiceRequestRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class GetServiceRequestResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ServiceRequest
    def __init__(self, request: _Optional[_Union[ServiceRequest, _Mapping]] = ...) -> None: ...

class ListServiceRequestsRequest(_message.Message):
    __slots__ = ("customer_id", "status", "kind", "owner_id", "overdue_only", "page_size", "page_token")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    status: str
    kind: str
    owner_id: str
    overdue_only: bool
    page_size: int
    page_token: str
    def __init__(self, customer_id: _Optional[str] = ..., status: _Optional[str] = ..., kind: _Optional[str] = ..., owner_id: _Optional[str] = ..., overdue_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListServiceRequestsResponse(_message.Message):
    __slots__ = ("requests", "next_page_token")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[ServiceRequest]
    next_page_token: str
    def __init__(self, requests: _Optional[_Iterable[_Union[ServiceRequest, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ActOnServiceRequestRequest(_message.Message):
    __slots__ = ("request_id", "action", "note", "transfer_to_user_id", "transfer_to_name", "idempotency_key")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_TO_NAME_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    action: str
    note: str
    transfer_to_user_id: str
    transfer_to_name: str
    idempotency_key: str
    def __init__(self, request_id: _Optional[str] = ..., action: _Optional[str] = ..., note: _Optional[str] = ..., transfer_to_user_id: _Optional[str] = ..., transfer_to_name: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ActOnServiceRequestResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ServiceRequest
    def __init__(self, request: _Optional[_Union[ServiceRequest, _Mapping]] = ...) -> None: ...

class Question(_message.Message):
    __slots__ = ("id", "kind", "text", "options", "required")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    text: str
    options: _containers.RepeatedScalarFieldContainer[str]
    required: bool
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., text: _Optional[str] = ..., options: _Optional[_Iterable[str]] = ..., required: _Optional[bool] = ...) -> None: ...

class Survey(_message.Message):
    __slots__ = ("id", "title", "description", "questions", "region_id", "department_id", "owner_id", "active", "created_by", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    description: str
    questions: _containers.RepeatedCompositeFieldContainer[Question]
    region_id: str
    department_id: str
    owner_id: str
    active: bool
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., questions: _Optional[_Iterable[_Union[Question, _Mapping]]] = ..., region_id: _Optional[str] = ..., department_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., active: _Optional[bool] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSurveyRequest(_message.Message):
    __slots__ = ("title", "description", "questions", "region_id", "department_id", "idempotency_key")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    title: str
    description: str
    questions: _containers.RepeatedCompositeFieldContainer[Question]
    region_id: str
    department_id: str
    idempotency_key: str
    def __init__(self, title: _Optional[str] = ..., description: _Optional[str] = ..., questions: _Optional[_Iterable[_Union[Question, _Mapping]]] = ..., region_id: _Optional[str] = ..., department_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateSurveyResponse(_message.Message):
    __slots__ = ("survey",)
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ...) -> None: ...

class GetSurveyRequest(_message.Message):
    __slots__ = ("survey_id",)
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    def __init__(self, survey_id: _Optional[str] = ...) -> None: ...

class GetSurveyResponse(_message.Message):
    __slots__ = ("survey",)
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ...) -> None: ...

class ListSurveysRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSurveysResponse(_message.Message):
    __slots__ = ("surveys", "next_page_token")
    SURVEYS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    surveys: _containers.RepeatedCompositeFieldContainer[Survey]
    next_page_token: str
    def __init__(self, surveys: _Optional[_Iterable[_Union[Survey, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetSurveyActiveRequest(_message.Message):
    __slots__ = ("survey_id", "active", "idempotency_key")
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    active: bool
    idempotency_key: str
    def __init__(self, survey_id: _Optional[str] = ..., active: _Optional[bool] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SetSurveyActiveResponse(_message.Message):
    __slots__ = ("survey",)
    SURVEY_FIELD_NUMBER: _ClassVar[int]
    survey: Survey
    def __init__(self, survey: _Optional[_Union[Survey, _Mapping]] = ...) -> None: ...

class Answer(_message.Message):
    __slots__ = ("question_id", "choices", "rating", "text")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    choices: _containers.RepeatedScalarFieldContainer[str]
    rating: int
    text: str
    def __init__(self, question_id: _Optional[str] = ..., choices: _Optional[_Iterable[str]] = ..., rating: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class SurveyResponse(_message.Message):
    __slots__ = ("id", "survey_id", "customer_id", "source", "recorded_by", "answers", "submitted_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    survey_id: str
    customer_id: str
    source: str
    recorded_by: str
    answers: _containers.RepeatedCompositeFieldContainer[Answer]
    submitted_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., survey_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., source: _Optional[str] = ..., recorded_by: _Optional[str] = ..., answers: _Optional[_Iterable[_Union[Answer, _Mapping]]] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitSurveyAnswersRequest(_message.Message):
    __slots__ = ("survey_id", "customer_id", "source", "answers", "idempotency_key")
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    customer_id: str
    source: str
    answers: _containers.RepeatedCompositeFieldContainer[Answer]
    idempotency_key: str
    def __init__(self, survey_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., source: _Optional[str] = ..., answers: _Optional[_Iterable[_Union[Answer, _Mapping]]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SubmitSurveyAnswersResponse(_message.Message):
    __slots__ = ("response",)
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    response: SurveyResponse
    def __init__(self, response: _Optional[_Union[SurveyResponse, _Mapping]] = ...) -> None: ...

class ListSurveyAnswersRequest(_message.Message):
    __slots__ = ("survey_id", "page_size", "page_token")
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    page_size: int
    page_token: str
    def __init__(self, survey_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSurveyAnswersResponse(_message.Message):
    __slots__ = ("responses", "next_page_token")
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    responses: _containers.RepeatedCompositeFieldContainer[SurveyResponse]
    next_page_token: str
    def __init__(self, responses: _Optional[_Iterable[_Union[SurveyResponse, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetSurveyStatisticsRequest(_message.Message):
    __slots__ = ("survey_id",)
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    def __init__(self, survey_id: _Optional[str] = ...) -> None: ...

class QuestionStatistics(_message.Message):
    __slots__ = ("question_id", "kind", "answered", "average_rating", "counts")
    class CountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    kind: str
    answered: int
    average_rating: float
    counts: _containers.ScalarMap[str, int]
    def __init__(self, question_id: _Optional[str] = ..., kind: _Optional[str] = ..., answered: _Optional[int] = ..., average_rating: _Optional[float] = ..., counts: _Optional[_Mapping[str, int]] = ...) -> None: ...

class SurveyStatistics(_message.Message):
    __slots__ = ("survey_id", "responses", "average_rating", "satisfied_share", "rating_distribution", "questions")
    class RatingDistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    SURVEY_ID_FIELD_NUMBER: _ClassVar[int]
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    SATISFIED_SHARE_FIELD_NUMBER: _ClassVar[int]
    RATING_DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    survey_id: str
    responses: int
    average_rating: float
    satisfied_share: float
    rating_distribution: _containers.ScalarMap[str, int]
    questions: _containers.RepeatedCompositeFieldContainer[QuestionStatistics]
    def __init__(self, survey_id: _Optional[str] = ..., responses: _Optional[int] = ..., average_rating: _Optional[float] = ..., satisfied_share: _Optional[float] = ..., rating_distribution: _Optional[_Mapping[str, int]] = ..., questions: _Optional[_Iterable[_Union[QuestionStatistics, _Mapping]]] = ...) -> None: ...

class GetSurveyStatisticsResponse(_message.Message):
    __slots__ = ("statistics",)
    STATISTICS_FIELD_NUMBER: _ClassVar[int]
    statistics: SurveyStatistics
    def __init__(self, statistics: _Optional[_Union[SurveyStatistics, _Mapping]] = ...) -> None: ...
