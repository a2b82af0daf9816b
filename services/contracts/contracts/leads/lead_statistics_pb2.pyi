from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetLeadStatisticsRequest(_message.Message):
    __slots__ = ("dimension", "from_date", "to_date")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    from_date: str
    to_date: str
    def __init__(self, dimension: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ...) -> None: ...

class DimensionCount(_message.Message):
    __slots__ = ("value", "count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    value: str
    count: int
    def __init__(self, value: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class FunnelStep(_message.Message):
    __slots__ = ("stage", "count", "rate_from_previous", "rate_from_first")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    RATE_FROM_PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    RATE_FROM_FIRST_FIELD_NUMBER: _ClassVar[int]
    stage: str
    count: int
    rate_from_previous: float
    rate_from_first: float
    def __init__(self, stage: _Optional[str] = ..., count: _Optional[int] = ..., rate_from_previous: _Optional[float] = ..., rate_from_first: _Optional[float] = ...) -> None: ...

class GetLeadStatisticsResponse(_message.Message):
    __slots__ = ("dimension", "total", "counts", "funnel")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    FUNNEL_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    total: int
    counts: _containers.RepeatedCompositeFieldContainer[DimensionCount]
    funnel: _containers.RepeatedCompositeFieldContainer[FunnelStep]
    def __init__(self, dimension: _Optional[str] = ..., total: _Optional[int] = ..., counts: _Optional[_Iterable[_Union[DimensionCount, _Mapping]]] = ..., funnel: _Optional[_Iterable[_Union[FunnelStep, _Mapping]]] = ...) -> None: ...
