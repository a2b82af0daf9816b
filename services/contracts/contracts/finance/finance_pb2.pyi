from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HourBalance(_message.Message):
    __slots__ = ("enrollment_id", "order_id", "credited", "consumed", "forfeited", "remaining")
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDITED_FIELD_NUMBER: _ClassVar[int]
    CONSUMED_FIELD_NUMBER: _ClassVar[int]
    FORFEITED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: str
    order_id: str
    credited: int
    consumed: int
    forfeited: int
    remaining: int
    def __init__(self, enrollment_id: _Optional[str] = ..., order_id: _Optional[str] = ..., credited: _Optional[int] = ..., consumed: _Optional[int] = ..., forfeited: _Optional[int] = ..., remaining: _Optional[int] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("customer_id", "prepaid_fen", "refunds_payable_fen", "paid_fen", "refunded_fen", "remaining_hours", "hours")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PREPAID_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_PAYABLE_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FEN_FIELD_NUMBER: _ClassVar[int]
    REMAINING_HOURS_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    prepaid_fen: int
    refunds_payable_fen: int
    paid_fen: int
    refunded_fen: int
    remaining_hours: int
    hours: _containers.RepeatedCompositeFieldContainer[HourBalance]
    def __init__(self, customer_id: _Optional[str] = ..., prepaid_fen: _Optional[int] = ..., refunds_payable_fen: _Optional[int] = ..., paid_fen: _Optional[int] = ..., refunded_fen: _Optional[int] = ..., remaining_hours: _Optional[int] = ..., hours: _Optional[_Iterable[_Union[HourBalance, _Mapping]]] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ("customer_id",)
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    def __init__(self, customer_id: _Optional[str] = ...) -> None: ...

class GetAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: Account
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("id", "customer_id", "course_id", "campus_id", "seller_id", "channel_tier", "price_fen", "deposit_fen", "lesson_hours", "paid_fen", "status", "placed_at", "paid_in_full_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TIER_FIELD_NUMBER: _ClassVar[int]
    PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FEN_FIELD_NUMBER: _ClassVar[int]
    LESSON_HOURS_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PLACED_AT_FIELD_NUMBER: _ClassVar[int]
    PAID_IN_FULL_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    customer_id: str
    course_id: str
    campus_id: str
    seller_id: str
    channel_tier: str
    price_fen: int
    deposit_fen: int
    lesson_hours: int
    paid_fen: int
    status: str
    placed_at: str
    paid_in_full_at: str
    def __init__(self, id: _Optional[str] = ..., customer_id: _Optional[str] = ..., course_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., seller_id: _Optional[str] = ..., channel_tier: _Optional[str] = ..., price_fen: _Optional[int] = ..., deposit_fen: _Optional[int] = ..., lesson_hours: _Optional[int] = ..., paid_fen: _Optional[int] = ..., status: _Optional[str] = ..., placed_at: _Optional[str] = ..., paid_in_full_at: _Optional[str] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("id", "order_id", "customer_id", "kind", "method", "amount_fen", "paid_total_fen", "note", "recorded_by", "recorded_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_TOTAL_FEN_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    customer_id: str
    kind: str
    method: str
    amount_fen: int
    paid_total_fen: int
    note: str
    recorded_by: str
    recorded_at: str
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., kind: _Optional[str] = ..., method: _Optional[str] = ..., amount_fen: _Optional[int] = ..., paid_total_fen: _Optional[int] = ..., note: _Optional[str] = ..., recorded_by: _Optional[str] = ..., recorded_at: _Optional[str] = ...) -> None: ...

class RecordPaymentRequest(_message.Message):
    __slots__ = ("order_id", "kind", "amount_fen", "method", "note")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    kind: str
    amount_fen: int
    method: str
    note: str
    def __init__(self, order_id: _Optional[str] = ..., kind: _Optional[str] = ..., amount_fen: _Optional[int] = ..., method: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class RecordPaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ...) -> None: ...

class ListPaymentsRequest(_message.Message):
    __slots__ = ("order_id", "customer_id", "page_size", "page_token")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    customer_id: str
    page_size: int
    page_token: str
    def __init__(self, order_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPaymentsResponse(_message.Message):
    __slots__ = ("payments", "next_page_token")
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    next_page_token: str
    def __init__(self, payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Voucher(_message.Message):
    __slots__ = ("id", "document_type", "document_id", "content_type", "size_bytes", "file_name", "content_hash", "uploaded_by", "uploaded_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    document_type: str
    document_id: str
    content_type: str
    size_bytes: int
    file_name: str
    content_hash: str
    uploaded_by: str
    uploaded_at: str
    def __init__(self, id: _Optional[str] = ..., document_type: _Optional[str] = ..., document_id: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., file_name: _Optional[str] = ..., content_hash: _Optional[str] = ..., uploaded_by: _Optional[str] = ..., uploaded_at: _Optional[str] = ...) -> None: ...

class UploadVoucherRequest(_message.Message):
    __slots__ = ("document_type", "document_id", "content", "content_type", "file_name")
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    document_type: str
    document_id: str
    content: bytes
    content_type: str
    file_name: str
    def __init__(self, document_type: _Optional[str] = ..., document_id: _Optional[str] = ..., content: _Optional[bytes] = ..., content_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class UploadVoucherResponse(_message.Message):
    __slots__ = ("voucher",)
    VOUCHER_FIELD_NUMBER: _ClassVar[int]
    voucher: Voucher
    def __init__(self, voucher: _Optional[_Union[Voucher, _Mapping]] = ...) -> None: ...

class GetVoucherRequest(_message.Message):
    __slots__ = ("voucher_id",)
    VOUCHER_ID_FIELD_NUMBER: _ClassVar[int]
    voucher_id: str
    def __init__(self, voucher_id: _Optional[str] = ...) -> None: ...

class GetVoucherResponse(_message.Message):
    __slots__ = ("voucher", "content")
    VOUCHER_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    voucher: Voucher
    content: bytes
    def __init__(self, voucher: _Optional[_Union[Voucher, _Mapping]] = ..., content: _Optional[bytes] = ...) -> None: ...

class ListVouchersRequest(_message.Message):
    __slots__ = ("document_type", "document_id")
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    document_type: str
    document_id: str
    def __init__(self, document_type: _Optional[str] = ..., document_id: _Optional[str] = ...) -> None: ...

class ListVouchersResponse(_message.Message):
    __slots__ = ("vouchers",)
    VOUCHERS_FIELD_NUMBER: _ClassVar[int]
    vouchers: _containers.RepeatedCompositeFieldContainer[Voucher]
    def __init__(self, vouchers: _Optional[_Iterable[_Union[Voucher, _Mapping]]] = ...) -> None: ...

class RefundQuote(_message.Message):
    __slots__ = ("order_id", "enrollment_id", "customer_id", "stage", "paid_fen", "refunded_before_fen", "consumed_hours", "unit_price_fen", "consumed_value_fen", "refundable_fen")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_BEFORE_FEN_FIELD_NUMBER: _ClassVar[int]
    CONSUMED_HOURS_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    CONSUMED_VALUE_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDABLE_FEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    enrollment_id: str
    customer_id: str
    stage: str
    paid_fen: int
    refunded_before_fen: int
    consumed_hours: int
    unit_price_fen: int
    consumed_value_fen: int
    refundable_fen: int
    def __init__(self, order_id: _Optional[str] = ..., enrollment_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., stage: _Optional[str] = ..., paid_fen: _Optional[int] = ..., refunded_before_fen: _Optional[int] = ..., consumed_hours: _Optional[int] = ..., unit_price_fen: _Optional[int] = ..., consumed_value_fen: _Optional[int] = ..., refundable_fen: _Optional[int] = ...) -> None: ...

class ApprovalDecision(_message.Message):
    __slots__ = ("level", "level_name", "decision", "decided_by", "note", "decided_at")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    level: int
    level_name: str
    decision: str
    decided_by: str
    note: str
    decided_at: str
    def __init__(self, level: _Optional[int] = ..., level_name: _Optional[str] = ..., decision: _Optional[str] = ..., decided_by: _Optional[str] = ..., note: _Optional[str] = ..., decided_at: _Optional[str] = ...) -> None: ...

class Refund(_message.Message):
    __slots__ = ("id", "quote", "amount_fen", "full_refund", "reason", "status", "next_level", "decisions", "requested_by", "requested_at", "paid_by", "paid_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    FULL_REFUND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NEXT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    PAID_BY_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    quote: RefundQuote
    amount_fen: int
    full_refund: bool
    reason: str
    status: str
    next_level: str
    decisions: _containers.RepeatedCompositeFieldContainer[ApprovalDecision]
    requested_by: str
    requested_at: str
    paid_by: str
    paid_at: str
    def __init__(self, id: _Optional[str] = ..., quote: _Optional[_Union[RefundQuote, _Mapping]] = ..., amount_fen: _Optional[int] = ..., full_refund: _Optional[bool] = ..., reason: _Optional[str] = ..., status: _Optional[str] = ..., next_level: _Optional[str] = ..., decisions: _Optional[_Iterable[_Union[ApprovalDecision, _Mapping]]] = ..., requested_by: _Optional[str] = ..., requested_at: _Optional[str] = ..., paid_by: _Optional[str] = ..., paid_at: _Optional[str] = ...) -> None: ...

class QuoteRefundRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class QuoteRefundResponse(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: RefundQuote
    def __init__(self, quote: _Optional[_Union[RefundQuote, _Mapping]] = ...) -> None: ...

class RequestRefundRequest(_message.Message):
    __slots__ = ("order_id", "amount_fen", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    amount_fen: int
    reason: str
    def __init__(self, order_id: _Optional[str] = ..., amount_fen: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class DecideRefundRequest(_message.Message):
    __slots__ = ("refund_id", "note")
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    refund_id: str
    note: str
    def __init__(self, refund_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class PayRefundRequest(_message.Message):
    __slots__ = ("refund_id",)
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    refund_id: str
    def __init__(self, refund_id: _Optional[str] = ...) -> None: ...

class GetRefundRequest(_message.Message):
    __slots__ = ("refund_id",)
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    refund_id: str
    def __init__(self, refund_id: _Optional[str] = ...) -> None: ...

class RefundResponse(_message.Message):
    __slots__ = ("refund",)
    REFUND_FIELD_NUMBER: _ClassVar[int]
    refund: Refund
    def __init__(self, refund: _Optional[_Union[Refund, _Mapping]] = ...) -> None: ...

class ListRefundsRequest(_message.Message):
    __slots__ = ("order_id", "status", "page_size", "page_token")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    status: str
    page_size: int
    page_token: str
    def __init__(self, order_id: _Optional[str] = ..., status: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRefundsResponse(_message.Message):
    __slots__ = ("refunds", "next_page_token")
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refunds: _containers.RepeatedCompositeFieldContainer[Refund]
    next_page_token: str
    def __init__(self, refunds: _Optional[_Iterable[_Union[Refund, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Commission(_message.Message):
    __slots__ = ("id", "kind", "order_id", "person_id", "role", "channel_tier", "ratio_bp", "base_fen", "amount_fen", "refund_id", "month", "statement_id", "accrued_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TIER_FIELD_NUMBER: _ClassVar[int]
    RATIO_BP_FIELD_NUMBER: _ClassVar[int]
    BASE_FEN_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCRUED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    order_id: str
    person_id: str
    role: str
    channel_tier: str
    ratio_bp: int
    base_fen: int
    amount_fen: int
    refund_id: str
    month: str
    statement_id: str
    accrued_at: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., order_id: _Optional[str] = ..., person_id: _Optional[str] = ..., role: _Optional[str] = ..., channel_tier: _Optional[str] = ..., ratio_bp: _Optional[int] = ..., base_fen: _Optional[int] = ..., amount_fen: _Optional[int] = ..., refund_id: _Optional[str] = ..., month: _Optional[str] = ..., statement_id: _Optional[str] = ..., accrued_at: _Optional[str] = ...) -> None: ...

class ListCommissionsRequest(_message.Message):
    __slots__ = ("person_id", "month", "order_id", "page_size", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    month: str
    order_id: str
    page_size: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., month: _Optional[str] = ..., order_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCommissionsResponse(_message.Message):
    __slots__ = ("commissions", "next_page_token")
    COMMISSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    commissions: _containers.RepeatedCompositeFieldContainer[Commission]
    next_page_token: str
    def __init__(self, commissions: _Optional[_Iterable[_Union[Commission, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CommissionStatement(_message.Message):
    __slots__ = ("id", "person_id", "month", "total_fen", "lines", "status", "created_by", "reviewed_by", "paid_by", "paid_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FEN_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_BY_FIELD_NUMBER: _ClassVar[int]
    PAID_BY_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    month: str
    total_fen: int
    lines: int
    status: str
    created_by: str
    reviewed_by: str
    paid_by: str
    paid_at: str
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., month: _Optional[str] = ..., total_fen: _Optional[int] = ..., lines: _Optional[int] = ..., status: _Optional[str] = ..., created_by: _Optional[str] = ..., reviewed_by: _Optional[str] = ..., paid_by: _Optional[str] = ..., paid_at: _Optional[str] = ...) -> None: ...

class CreateCommissionStatementRequest(_message.Message):
    __slots__ = ("person_id", "month")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    month: str
    def __init__(self, person_id: _Optional[str] = ..., month: _Optional[str] = ...) -> None: ...

class CommissionStatementActionRequest(_message.Message):
    __slots__ = ("statement_id",)
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    def __init__(self, statement_id: _Optional[str] = ...) -> None: ...

class CommissionStatementResponse(_message.Message):
    __slots__ = ("statement",)
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    statement: CommissionStatement
    def __init__(self, statement: _Optional[_Union[CommissionStatement, _Mapping]] = ...) -> None: ...

class ListCommissionStatementsRequest(_message.Message):
    __slots__ = ("person_id", "month", "status", "page_size", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    month: str
    status: str
    page_size: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., month: _Optional[str] = ..., status: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCommissionStatementsResponse(_message.Message):
    __slots__ = ("statements", "next_page_token")
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    statements: _containers.RepeatedCompositeFieldContainer[CommissionStatement]
    next_page_token: str
    def __init__(self, statements: _Optional[_Iterable[_Union[CommissionStatement, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
