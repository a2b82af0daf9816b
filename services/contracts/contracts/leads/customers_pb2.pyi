import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Phone(_message.Message):
    __slots__ = ("number", "primary")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    number: str
    primary: bool
    def __init__(self, number: _Optional[str] = ..., primary: _Optional[bool] = ...) -> None: ...

class Owner(_message.Message):
    __slots__ = ("user_id", "name", "department_id", "region_id", "channel_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    name: str
    department_id: str
    region_id: str
    channel_id: str
    def __init__(self, user_id: _Optional[str] = ..., name: _Optional[str] = ..., department_id: _Optional[str] = ..., region_id: _Optional[str] = ..., channel_id: _Optional[str] = ...) -> None: ...

class Customer(_message.Message):
    __slots__ = ("id", "name", "gender", "birth_date", "id_card", "phones", "email", "company", "position", "industry", "region", "education", "company_size", "source_channel_id", "campaign_id", "tags", "roles", "stage", "valid", "invalid_reason", "owner", "protected_until", "merged_into_id", "possible_duplicate_ids", "personal_data_masked", "created_at", "updated_at", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_FIELD_NUMBER: _ClassVar[int]
    PHONES_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_FIELD_NUMBER: _ClassVar[int]
    COMPANY_SIZE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    INVALID_REASON_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PROTECTED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_ID_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_DUPLICATE_IDS_FIELD_NUMBER: _ClassVar[int]
    PERSONAL_DATA_MASKED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    gender: str
    birth_date: str
    id_card: str
    phones: _containers.RepeatedCompositeFieldContainer[Phone]
    email: str
    company: str
    position: str
    industry: str
    region: str
    education: str
    company_size: str
    source_channel_id: str
    campaign_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    roles: _containers.RepeatedScalarFieldContainer[str]
    stage: str
    valid: bool
    invalid_reason: str
    owner: Owner
    protected_until: _timestamp_pb2.Timestamp
    merged_into_id: str
    possible_duplicate_ids: _containers.RepeatedScalarFieldContainer[str]
    personal_data_masked: bool
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., gender: _Optional[str] = ..., birth_date: _Optional[str] = ..., id_card: _Optional[str] = ..., phones: _Optional[_Iterable[_Union[Phone, _Mapping]]] = ..., email: _Optional[str] = ..., company: _Optional[str] = ..., position: _Optional[str] = ..., industry: _Optional[str] = ..., region: _Optional[str] = ..., education: _Optional[str] = ..., company_size: _Optional[str] = ..., source_channel_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., roles: _Optional[_Iterable[str]] = ..., stage: _Optional[str] = ..., valid: _Optional[bool] = ..., invalid_reason: _Optional[str] = ..., owner: _Optional[_Union[Owner, _Mapping]] = ..., protected_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., merged_into_id: _Optional[str] = ..., possible_duplicate_ids: _Optional[_Iterable[str]] = ..., personal_data_masked: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class CustomerFields(_message.Message):
    __slots__ = ("name", "gender", "birth_date", "id_card", "phones", "email", "company", "position", "industry", "region", "education", "company_size", "source_channel_id", "campaign_id", "tags", "roles", "stage", "valid", "invalid_reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_FIELD_NUMBER: _ClassVar[int]
    PHONES_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_FIELD_NUMBER: _ClassVar[int]
    COMPANY_SIZE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    INVALID_REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    gender: str
    birth_date: str
    id_card: str
    phones: _containers.RepeatedScalarFieldContainer[str]
    email: str
    company: str
    position: str
    industry: str
    region: str
    education: str
    company_size: str
    source_channel_id: str
    campaign_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    roles: _containers.RepeatedScalarFieldContainer[str]
    stage: str
    valid: bool
    invalid_reason: str
    def __init__(self, name: _Optional[str] = ..., gender: _Optional[str] = ..., birth_date: _Optional[str] = ..., id_card: _Optional[str] = ..., phones: _Optional[_Iterable[str]] = ..., email: _Optional[str] = ..., company: _Optional[str] = ..., position: _Optional[str] = ..., industry: _Optional[str] = ..., region: _Optional[str] = ..., education: _Optional[str] = ..., company_size: _Optional[str] = ..., source_channel_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., roles: _Optional[_Iterable[str]] = ..., stage: _Optional[str] = ..., valid: _Optional[bool] = ..., invalid_reason: _Optional[str] = ...) -> None: ...

class Claim(_message.Message):
    __slots__ = ("id", "customer_id", "claimant", "status", "note", "requested_at", "decided_at", "decided_by", "decision_note", "protected_until")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIMANT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECISION_NOTE_FIELD_NUMBER: _ClassVar[int]
    PROTECTED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    claimant: Owner
    status: str
    note: str
    requested_at: _timestamp_pb2.Timestamp
    decided_at: _timestamp_pb2.Timestamp
    decided_by: str
    decision_note: str
    protected_until: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., claimant: _Optional[_Union[Owner, _Mapping]] = ..., status: _Optional[str] = ..., note: _Optional[str] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decided_by: _Optional[str] = ..., decision_note: _Optional[str] = ..., protected_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCustomerRequest(_message.Message):
    __slots__ = ("customer", "on_duplicate", "idempotency_key", "channel_id")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ON_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    customer: CustomerFields
    on_duplicate: str
    idempotency_key: str
    channel_id: str
    def __init__(self, customer: _Optional[_Union[CustomerFields, _Mapping]] = ..., on_duplicate: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., channel_id: _Optional[str] = ...) -> None: ...

class CreateCustomerResponse(_message.Message):
    __slots__ = ("customer", "claim", "existing_customer_id")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    EXISTING_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    claim: Claim
    existing_customer_id: str
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., claim: _Optional[_Union[Claim, _Mapping]] = ..., existing_customer_id: _Optional[str] = ...) -> None: ...

class GetCustomerRequest(_message.Message):
    __slots__ = ("customer_id",)
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    def __init__(self, customer_id: _Optional[str] = ...) -> None: ...

class GetCustomerResponse(_message.Message):
    __slots__ = ("customer", "pending_claim")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    PENDING_CLAIM_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    pending_claim: Claim
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ..., pending_claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class ListCustomersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "q", "phone", "id_card", "owner_id", "stage", "channel_id", "tag", "region", "sort")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    Q_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    q: str
    phone: str
    id_card: str
    owner_id: str
    stage: str
    channel_id: str
    tag: str
    region: str
    sort: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., q: _Optional[str] = ..., phone: _Optional[str] = ..., id_card: _Optional[str] = ..., owner_id: _Optional[str] = ..., stage: _Optional[str] = ..., channel_id: _Optional[str] = ..., tag: _Optional[str] = ..., region: _Optional[str] = ..., sort: _Optional[str] = ...) -> None: ...

class ListCustomersResponse(_message.Message):
    __slots__ = ("customers", "next_page_token")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[Customer]
    next_page_token: str
    def __init__(self, customers: _Optional[_Iterable[_Union[Customer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCustomerRequest(_message.Message):
    __slots__ = ("customer_id", "customer", "update_fields", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    customer: CustomerFields
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., customer: _Optional[_Union[CustomerFields, _Mapping]] = ..., update_fields: _Optional[_Iterable[str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class UpdateCustomerResponse(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ...) -> None: ...

class MergeCustomersRequest(_message.Message):
    __slots__ = ("survivor_id", "merged_id", "field_sources", "idempotency_key")
    class FieldSourcesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_SOURCES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    survivor_id: str
    merged_id: str
    field_sources: _containers.ScalarMap[str, str]
    idempotency_key: str
    def __init__(self, survivor_id: _Optional[str] = ..., merged_id: _Optional[str] = ..., field_sources: _Optional[_Mapping[str, str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class MergeCustomersResponse(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: Customer
    def __init__(self, customer: _Optional[_Union[Customer, _Mapping]] = ...) -> None: ...

class ClaimCustomerRequest(_message.Message):
    __slots__ = ("customer_id", "channel_id", "note", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    channel_id: str
    note: str
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ClaimCustomerResponse(_message.Message):
    __slots__ = ("claim",)
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class DecideClaimRequest(_message.Message):
    __slots__ = ("customer_id", "claim_id", "approve", "note", "idempotency_key")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIM_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    claim_id: str
    approve: bool
    note: str
    idempotency_key: str
    def __init__(self, customer_id: _Optional[str] = ..., claim_id: _Optional[str] = ..., approve: _Optional[bool] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DecideClaimResponse(_message.Message):
    __slots__ = ("claim",)
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class ListClaimsRequest(_message.Message):
    __slots__ = ("customer_id", "status", "page_size", "page_token")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    status: str
    page_size: int
    page_token: str
    def __init__(self, customer_id: _Optional[str] = ..., status: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListClaimsResponse(_message.Message):
    __slots__ = ("claims", "next_page_token")
    CLAIMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    claims: _containers.RepeatedCompositeFieldContainer[Claim]
    next_page_token: str
    def __init__(self, claims: _Optional[_Iterable[_Union[Claim, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
