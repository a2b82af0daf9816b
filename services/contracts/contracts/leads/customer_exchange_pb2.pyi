from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CustomerFilters(_message.Message):
    __slots__ = ("q", "phone", "id_card", "owner_id", "stage", "channel_id", "tag", "region")
    Q_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    q: str
    phone: str
    id_card: str
    owner_id: str
    stage: str
    channel_id: str
    tag: str
    region: str
    def __init__(self, q: _Optional[str] = ..., phone: _Optional[str] = ..., id_card: _Optional[str] = ..., owner_id: _Optional[str] = ..., stage: _Optional[str] = ..., channel_id: _Optional[str] = ..., tag: _Optional[str] = ..., region: _Optional[str] = ...) -> None: ...

class ExportCustomersRequest(_message.Message):
    __slots__ = ("filters",)
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    filters: CustomerFilters
    def __init__(self, filters: _Optional[_Union[CustomerFilters, _Mapping]] = ...) -> None: ...

class ExportCustomersChunk(_message.Message):
    __slots__ = ("row_count", "file_name", "content_type", "content")
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    row_count: int
    file_name: str
    content_type: str
    content: bytes
    def __init__(self, row_count: _Optional[int] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class ExchangeFile(_message.Message):
    __slots__ = ("file_name", "content_type", "content")
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    content_type: str
    content: bytes
    def __init__(self, file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class GetCustomerImportTemplateRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ImportCustomersRequest(_message.Message):
    __slots__ = ("content", "file_name", "on_duplicate", "channel_id", "idempotency_key")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    ON_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    file_name: str
    on_duplicate: str
    channel_id: str
    idempotency_key: str
    def __init__(self, content: _Optional[bytes] = ..., file_name: _Optional[str] = ..., on_duplicate: _Optional[str] = ..., channel_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ImportRowError(_message.Message):
    __slots__ = ("row", "column", "message", "message_zh")
    ROW_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ZH_FIELD_NUMBER: _ClassVar[int]
    row: int
    column: str
    message: str
    message_zh: str
    def __init__(self, row: _Optional[int] = ..., column: _Optional[str] = ..., message: _Optional[str] = ..., message_zh: _Optional[str] = ...) -> None: ...

class ImportedClaim(_message.Message):
    __slots__ = ("row", "existing_customer_id", "claim_id", "status")
    ROW_FIELD_NUMBER: _ClassVar[int]
    EXISTING_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIM_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    row: int
    existing_customer_id: str
    claim_id: str
    status: str
    def __init__(self, row: _Optional[int] = ..., existing_customer_id: _Optional[str] = ..., claim_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ImportCustomersResponse(_message.Message):
    __slots__ = ("imported", "customer_ids", "claims", "row_count", "errors", "report_id")
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    CLAIMS_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    imported: bool
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    claims: _containers.RepeatedCompositeFieldContainer[ImportedClaim]
    row_count: int
    errors: _containers.RepeatedCompositeFieldContainer[ImportRowError]
    report_id: str
    def __init__(self, imported: _Optional[bool] = ..., customer_ids: _Optional[_Iterable[str]] = ..., claims: _Optional[_Iterable[_Union[ImportedClaim, _Mapping]]] = ..., row_count: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[ImportRowError, _Mapping]]] = ..., report_id: _Optional[str] = ...) -> None: ...

class GetCustomerImportReportRequest(_message.Message):
    __slots__ = ("report_id",)
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    def __init__(self, report_id: _Optional[str] = ...) -> None: ...
