from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TargetSplit(_message.Message):
    __slots__ = ("user_id", "amount_fen", "deals", "attained_amount_fen", "attained_deals", "attainment_rate")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    DEALS_FIELD_NUMBER: _ClassVar[int]
    ATTAINED_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    ATTAINED_DEALS_FIELD_NUMBER: _ClassVar[int]
    ATTAINMENT_RATE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    amount_fen: int
    deals: int
    attained_amount_fen: int
    attained_deals: int
    attainment_rate: float
    def __init__(self, user_id: _Optional[str] = ..., amount_fen: _Optional[int] = ..., deals: _Optional[int] = ..., attained_amount_fen: _Optional[int] = ..., attained_deals: _Optional[int] = ..., attainment_rate: _Optional[float] = ...) -> None: ...

class SalesTarget(_message.Message):
    __slots__ = ("id", "period_start", "period_end", "course_id", "campus_id", "customer_type", "department_id", "region_id", "name", "amount_fen", "deals", "splits", "attained_amount_fen", "attained_deals", "attainment_rate", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    DEALS_FIELD_NUMBER: _ClassVar[int]
    SPLITS_FIELD_NUMBER: _ClassVar[int]
    ATTAINED_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    ATTAINED_DEALS_FIELD_NUMBER: _ClassVar[int]
    ATTAINMENT_RATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    period_start: str
    period_end: str
    course_id: str
    campus_id: str
    customer_type: str
    department_id: str
    region_id: str
    name: str
    amount_fen: int
    deals: int
    splits: _containers.RepeatedCompositeFieldContainer[TargetSplit]
    attained_amount_fen: int
    attained_deals: int
    attainment_rate: float
    version: int
    def __init__(self, id: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., course_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., customer_type: _Optional[str] = ..., department_id: _Optional[str] = ..., region_id: _Optional[str] = ..., name: _Optional[str] = ..., amount_fen: _Optional[int] = ..., deals: _Optional[int] = ..., splits: _Optional[_Iterable[_Union[TargetSplit, _Mapping]]] = ..., attained_amount_fen: _Optional[int] = ..., attained_deals: _Optional[int] = ..., attainment_rate: _Optional[float] = ..., version: _Optional[int] = ...) -> None: ...

class CreateSalesTargetRequest(_message.Message):
    __slots__ = ("target", "idempotency_key")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    target: SalesTarget
    idempotency_key: str
    def __init__(self, target: _Optional[_Union[SalesTarget, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SalesTargetResponse(_message.Message):
    __slots__ = ("target",)
    TARGET_FIELD_NUMBER: _ClassVar[int]
    target: SalesTarget
    def __init__(self, target: _Optional[_Union[SalesTarget, _Mapping]] = ...) -> None: ...

class GetSalesTargetRequest(_message.Message):
    __slots__ = ("target_id",)
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    target_id: str
    def __init__(self, target_id: _Optional[str] = ...) -> None: ...

class ListSalesTargetsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department_id", "on_date")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ON_DATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department_id: str
    on_date: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department_id: _Optional[str] = ..., on_date: _Optional[str] = ...) -> None: ...

class ListSalesTargetsResponse(_message.Message):
    __slots__ = ("targets", "next_page_token")
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    targets: _containers.RepeatedCompositeFieldContainer[SalesTarget]
    next_page_token: str
    def __init__(self, targets: _Optional[_Iterable[_Union[SalesTarget, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetSalesTargetSplitsRequest(_message.Message):
    __slots__ = ("target_id", "splits", "expected_version", "idempotency_key")
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    SPLITS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    target_id: str
    splits: _containers.RepeatedCompositeFieldContainer[TargetSplit]
    expected_version: int
    idempotency_key: str
    def __init__(self, target_id: _Optional[str] = ..., splits: _Optional[_Iterable[_Union[TargetSplit, _Mapping]]] = ..., expected_version: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...
