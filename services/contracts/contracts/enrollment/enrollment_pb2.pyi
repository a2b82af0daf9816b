import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Campus(_message.Message):
    __slots__ = ("id", "name", "region_id", "department_ids")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    region_id: str
    department_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., region_id: _Optional[str] = ..., department_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class UpsertCampusRequest(_message.Message):
    __slots__ = ("campus",)
    CAMPUS_FIELD_NUMBER: _ClassVar[int]
    campus: Campus
    def __init__(self, campus: _Optional[_Union[Campus, _Mapping]] = ...) -> None: ...

class UpsertCampusResponse(_message.Message):
    __slots__ = ("campus",)
    CAMPUS_FIELD_NUMBER: _ClassVar[int]
    campus: Campus
    def __init__(self, campus: _Optional[_Union[Campus, _Mapping]] = ...) -> None: ...

class ListCampusesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCampusesResponse(_message.Message):
    __slots__ = ("campuses", "next_page_token")
    CAMPUSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    campuses: _containers.RepeatedCompositeFieldContainer[Campus]
    next_page_token: str
    def __init__(self, campuses: _Optional[_Iterable[_Union[Campus, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CommissionRatio(_message.Message):
    __slots__ = ("role", "channel_tier", "ratio_bp")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TIER_FIELD_NUMBER: _ClassVar[int]
    RATIO_BP_FIELD_NUMBER: _ClassVar[int]
    role: str
    channel_tier: str
    ratio_bp: int
    def __init__(self, role: _Optional[str] = ..., channel_tier: _Optional[str] = ..., ratio_bp: _Optional[int] = ...) -> None: ...

class Course(_message.Message):
    __slots__ = ("id", "name", "category", "stage", "prerequisite_course_id", "tool", "lesson_hours", "price_fen", "campus_id", "absence_counts_as_consumed", "active", "commission_version", "commission_ratios")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    PREREQUISITE_COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_FIELD_NUMBER: _ClassVar[int]
    LESSON_HOURS_FIELD_NUMBER: _ClassVar[int]
    PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_COUNTS_AS_CONSUMED_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_VERSION_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_RATIOS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    category: str
    stage: int
    prerequisite_course_id: str
    tool: bool
    lesson_hours: int
    price_fen: int
    campus_id: str
    absence_counts_as_consumed: bool
    active: bool
    commission_version: int
    commission_ratios: _containers.RepeatedCompositeFieldContainer[CommissionRatio]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., category: _Optional[str] = ..., stage: _Optional[int] = ..., prerequisite_course_id: _Optional[str] = ..., tool: _Optional[bool] = ..., lesson_hours: _Optional[int] = ..., price_fen: _Optional[int] = ..., campus_id: _Optional[str] = ..., absence_counts_as_consumed: _Optional[bool] = ..., active: _Optional[bool] = ..., commission_version: _Optional[int] = ..., commission_ratios: _Optional[_Iterable[_Union[CommissionRatio, _Mapping]]] = ...) -> None: ...

class CreateCourseRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class CreateCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class UpdateCourseRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class UpdateCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class GetCourseRequest(_message.Message):
    __slots__ = ("course_id",)
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    def __init__(self, course_id: _Optional[str] = ...) -> None: ...

class GetCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class ListCoursesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "campus_id", "category")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    campus_id: str
    category: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., campus_id: _Optional[str] = ..., category: _Optional[str] = ...) -> None: ...

class ListCoursesResponse(_message.Message):
    __slots__ = ("courses", "next_page_token")
    COURSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    courses: _containers.RepeatedCompositeFieldContainer[Course]
    next_page_token: str
    def __init__(self, courses: _Optional[_Iterable[_Union[Course, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetCommissionRatiosRequest(_message.Message):
    __slots__ = ("course_id", "ratios")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RATIOS_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    ratios: _containers.RepeatedCompositeFieldContainer[CommissionRatio]
    def __init__(self, course_id: _Optional[str] = ..., ratios: _Optional[_Iterable[_Union[CommissionRatio, _Mapping]]] = ...) -> None: ...

class SetCommissionRatiosResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class Term(_message.Message):
    __slots__ = ("id", "campus_id", "name", "start_date", "end_date")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    campus_id: str
    name: str
    start_date: str
    end_date: str
    def __init__(self, id: _Optional[str] = ..., campus_id: _Optional[str] = ..., name: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class CreateTermRequest(_message.Message):
    __slots__ = ("term",)
    TERM_FIELD_NUMBER: _ClassVar[int]
    term: Term
    def __init__(self, term: _Optional[_Union[Term, _Mapping]] = ...) -> None: ...

class CreateTermResponse(_message.Message):
    __slots__ = ("term",)
    TERM_FIELD_NUMBER: _ClassVar[int]
    term: Term
    def __init__(self, term: _Optional[_Union[Term, _Mapping]] = ...) -> None: ...

class GetTermRequest(_message.Message):
    __slots__ = ("term_id",)
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    term_id: str
    def __init__(self, term_id: _Optional[str] = ...) -> None: ...

class GetTermResponse(_message.Message):
    __slots__ = ("term",)
    TERM_FIELD_NUMBER: _ClassVar[int]
    term: Term
    def __init__(self, term: _Optional[_Union[Term, _Mapping]] = ...) -> None: ...

class ListTermsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "campus_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    campus_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., campus_id: _Optional[str] = ...) -> None: ...

class ListTermsResponse(_message.Message):
    __slots__ = ("terms", "next_page_token")
    TERMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    terms: _containers.RepeatedCompositeFieldContainer[Term]
    next_page_token: str
    def __init__(self, terms: _Optional[_Iterable[_Union[Term, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Class(_message.Message):
    __slots__ = ("id", "term_id", "campus_id", "course_id", "name", "capacity", "start_date", "end_date", "taken")
    ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    TAKEN_FIELD_NUMBER: _ClassVar[int]
    id: str
    term_id: str
    campus_id: str
    course_id: str
    name: str
    capacity: int
    start_date: str
    end_date: str
    taken: int
    def __init__(self, id: _Optional[str] = ..., term_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., course_id: _Optional[str] = ..., name: _Optional[str] = ..., capacity: _Optional[int] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., taken: _Optional[int] = ...) -> None: ...

class CreateClassRequest(_message.Message):
    __slots__ = ("class_",)
    CLASS__FIELD_NUMBER: _ClassVar[int]
    class_: Class
    def __init__(self, class_: _Optional[_Union[Class, _Mapping]] = ...) -> None: ...

class CreateClassResponse(_message.Message):
    __slots__ = ("class_",)
    CLASS__FIELD_NUMBER: _ClassVar[int]
    class_: Class
    def __init__(self, class_: _Optional[_Union[Class, _Mapping]] = ...) -> None: ...

class UpdateClassRequest(_message.Message):
    __slots__ = ("class_",)
    CLASS__FIELD_NUMBER: _ClassVar[int]
    class_: Class
    def __init__(self, class_: _Optional[_Union[Class, _Mapping]] = ...) -> None: ...

class UpdateClassResponse(_message.Message):
    __slots__ = ("class_",)
    CLASS__FIELD_NUMBER: _ClassVar[int]
    class_: Class
    def __init__(self, class_: _Optional[_Union[Class, _Mapping]] = ...) -> None: ...

class GetClassRequest(_message.Message):
    __slots__ = ("class_id",)
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    class_id: str
    def __init__(self, class_id: _Optional[str] = ...) -> None: ...

class GetClassResponse(_message.Message):
    __slots__ = ("class_",)
    CLASS__FIELD_NUMBER: _ClassVar[int]
    class_: Class
    def __init__(self, class_: _Optional[_Union[Class, _Mapping]] = ...) -> None: ...

class ListClassesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "term_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    term_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., term_id: _Optional[str] = ...) -> None: ...

class ListClassesResponse(_message.Message):
    __slots__ = ("classes", "next_page_token")
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    classes: _containers.RepeatedCompositeFieldContainer[Class]
    next_page_token: str
    def __init__(self, classes: _Optional[_Iterable[_Union[Class, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("id", "kind", "customer_id", "payer_customer_id", "proxy_registration", "course_id", "course_ids", "class_id", "term_id", "campus_id", "seller_id", "seller_department_id", "seller_region_id", "channel_id", "channel_tier", "list_price_fen", "discount_fen", "price_fen", "deposit_fen", "lesson_hours", "status", "renews_enrollment_id", "cancel_reason", "created_at", "placed_at", "commission")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYER_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PROXY_REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_REGION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TIER_FIELD_NUMBER: _ClassVar[int]
    LIST_PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FEN_FIELD_NUMBER: _ClassVar[int]
    LESSON_HOURS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RENEWS_ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    PLACED_AT_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    customer_id: str
    payer_customer_id: str
    proxy_registration: bool
    course_id: str
    course_ids: _containers.RepeatedScalarFieldContainer[str]
    class_id: str
    term_id: str
    campus_id: str
    seller_id: str
    seller_department_id: str
    seller_region_id: str
    channel_id: str
    channel_tier: str
    list_price_fen: int
    discount_fen: int
    price_fen: int
    deposit_fen: int
    lesson_hours: int
    status: str
    renews_enrollment_id: str
    cancel_reason: str
    created_at: _timestamp_pb2.Timestamp
    placed_at: _timestamp_pb2.Timestamp
    commission: _containers.RepeatedCompositeFieldContainer[OrderCommission]
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., customer_id: _Optional[str] = ..., payer_customer_id: _Optional[str] = ..., proxy_registration: _Optional[bool] = ..., course_id: _Optional[str] = ..., course_ids: _Optional[_Iterable[str]] = ..., class_id: _Optional[str] = ..., term_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., seller_id: _Optional[str] = ..., seller_department_id: _Optional[str] = ..., seller_region_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., channel_tier: _Optional[str] = ..., list_price_fen: _Optional[int] = ..., discount_fen: _Optional[int] = ..., price_fen: _Optional[int] = ..., deposit_fen: _Optional[int] = ..., lesson_hours: _Optional[int] = ..., status: _Optional[str] = ..., renews_enrollment_id: _Optional[str] = ..., cancel_reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., placed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., commission: _Optional[_Iterable[_Union[OrderCommission, _Mapping]]] = ...) -> None: ...

class OrderCommission(_message.Message):
    __slots__ = ("course_id", "version")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    version: int
    def __init__(self, course_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class PlaceOrderRequest(_message.Message):
    __slots__ = ("kind", "customer_id", "payer_customer_id", "proxy_registration", "course_id", "lesson_hours", "class_id", "course_ids", "campus_id", "channel_id", "channel_tier", "discount_fen", "deposit_fen", "idempotency_key")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYER_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PROXY_REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_HOURS_FIELD_NUMBER: _ClassVar[int]
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TIER_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FEN_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    kind: str
    customer_id: str
    payer_customer_id: str
    proxy_registration: bool
    course_id: str
    lesson_hours: int
    class_id: str
    course_ids: _containers.RepeatedScalarFieldContainer[str]
    campus_id: str
    channel_id: str
    channel_tier: str
    discount_fen: int
    deposit_fen: int
    idempotency_key: str
    def __init__(self, kind: _Optional[str] = ..., customer_id: _Optional[str] = ..., payer_customer_id: _Optional[str] = ..., proxy_registration: _Optional[bool] = ..., course_id: _Optional[str] = ..., lesson_hours: _Optional[int] = ..., class_id: _Optional[str] = ..., course_ids: _Optional[_Iterable[str]] = ..., campus_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., channel_tier: _Optional[str] = ..., discount_fen: _Optional[int] = ..., deposit_fen: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class PlaceOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

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

class ListOrdersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status", "customer_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: str
    customer_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DecideOrderDiscountRequest(_message.Message):
    __slots__ = ("order_id", "approve", "note")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    approve: bool
    note: str
    def __init__(self, order_id: _Optional[str] = ..., approve: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class DecideOrderDiscountResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CancelOrderRequest(_message.Message):
    __slots__ = ("order_id", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    reason: str
    def __init__(self, order_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class Enrollment(_message.Message):
    __slots__ = ("id", "order_id", "customer_id", "course_id", "class_id", "term_id", "campus_id", "seller_id", "status", "purchased_hours", "consumed_hours", "remaining_hours", "price_fen", "confirmed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PURCHASED_HOURS_FIELD_NUMBER: _ClassVar[int]
    CONSUMED_HOURS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_HOURS_FIELD_NUMBER: _ClassVar[int]
    PRICE_FEN_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    customer_id: str
    course_id: str
    class_id: str
    term_id: str
    campus_id: str
    seller_id: str
    status: str
    purchased_hours: int
    consumed_hours: int
    remaining_hours: int
    price_fen: int
    confirmed_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., course_id: _Optional[str] = ..., class_id: _Optional[str] = ..., term_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., seller_id: _Optional[str] = ..., status: _Optional[str] = ..., purchased_hours: _Optional[int] = ..., consumed_hours: _Optional[int] = ..., remaining_hours: _Optional[int] = ..., price_fen: _Optional[int] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id",)
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: str
    def __init__(self, enrollment_id: _Optional[str] = ...) -> None: ...

class GetEnrollmentResponse(_message.Message):
    __slots__ = ("enrollment",)
    ENROLLMENT_FIELD_NUMBER: _ClassVar[int]
    enrollment: Enrollment
    def __init__(self, enrollment: _Optional[_Union[Enrollment, _Mapping]] = ...) -> None: ...

class ListEnrollmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "customer_id", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    customer_id: str
    status: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customer_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ListEnrollmentsResponse(_message.Message):
    __slots__ = ("enrollments", "next_page_token")
    ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    enrollments: _containers.RepeatedCompositeFieldContainer[Enrollment]
    next_page_token: str
    def __init__(self, enrollments: _Optional[_Iterable[_Union[Enrollment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ChangeEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id", "reason")
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: str
    reason: str
    def __init__(self, enrollment_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class TransferEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id", "class_id", "reason")
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: str
    class_id: str
    reason: str
    def __init__(self, enrollment_id: _Optional[str] = ..., class_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ChangeEnrollmentResponse(_message.Message):
    __slots__ = ("enrollment", "change", "hours_delta")
    ENROLLMENT_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    HOURS_DELTA_FIELD_NUMBER: _ClassVar[int]
    enrollment: Enrollment
    change: str
    hours_delta: int
    def __init__(self, enrollment: _Optional[_Union[Enrollment, _Mapping]] = ..., change: _Optional[str] = ..., hours_delta: _Optional[int] = ...) -> None: ...

class RenewEnrollmentRequest(_message.Message):
    __slots__ = ("enrollment_id", "lesson_hours", "discount_fen", "deposit_fen")
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_HOURS_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FEN_FIELD_NUMBER: _ClassVar[int]
    enrollment_id: str
    lesson_hours: int
    discount_fen: int
    deposit_fen: int
    def __init__(self, enrollment_id: _Optional[str] = ..., lesson_hours: _Optional[int] = ..., discount_fen: _Optional[int] = ..., deposit_fen: _Optional[int] = ...) -> None: ...

class ApprovalDecision(_message.Message):
    __slots__ = ("level_name", "decision", "decided_by", "note", "decided_at")
    LEVEL_NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    level_name: str
    decision: str
    decided_by: str
    note: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, level_name: _Optional[str] = ..., decision: _Optional[str] = ..., decided_by: _Optional[str] = ..., note: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AttendanceRegistration(_message.Message):
    __slots__ = ("id", "term_id", "campus_id", "customer_id", "enrollment_id", "card", "requested_card", "seller_id", "status", "next_level", "remaining_hours", "created_at", "decisions", "note", "invitation_stage", "invitation_owner_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPUS_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_CARD_FIELD_NUMBER: _ClassVar[int]
    SELLER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NEXT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    REMAINING_HOURS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    INVITATION_STAGE_FIELD_NUMBER: _ClassVar[int]
    INVITATION_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    term_id: str
    campus_id: str
    customer_id: str
    enrollment_id: str
    card: str
    requested_card: str
    seller_id: str
    status: str
    next_level: str
    remaining_hours: int
    created_at: _timestamp_pb2.Timestamp
    decisions: _containers.RepeatedCompositeFieldContainer[ApprovalDecision]
    note: str
    invitation_stage: str
    invitation_owner_id: str
    def __init__(self, id: _Optional[str] = ..., term_id: _Optional[str] = ..., campus_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., enrollment_id: _Optional[str] = ..., card: _Optional[str] = ..., requested_card: _Optional[str] = ..., seller_id: _Optional[str] = ..., status: _Optional[str] = ..., next_level: _Optional[str] = ..., remaining_hours: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decisions: _Optional[_Iterable[_Union[ApprovalDecision, _Mapping]]] = ..., note: _Optional[str] = ..., invitation_stage: _Optional[str] = ..., invitation_owner_id: _Optional[str] = ...) -> None: ...

class CreateAttendanceRegistrationRequest(_message.Message):
    __slots__ = ("term_id", "customer_id", "card", "enrollment_id", "note", "id_card_number")
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    term_id: str
    customer_id: str
    card: str
    enrollment_id: str
    note: str
    id_card_number: str
    def __init__(self, term_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., card: _Optional[str] = ..., enrollment_id: _Optional[str] = ..., note: _Optional[str] = ..., id_card_number: _Optional[str] = ...) -> None: ...

class AttendanceRegistrationResponse(_message.Message):
    __slots__ = ("registration", "warning", "warning_zh")
    REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    WARNING_ZH_FIELD_NUMBER: _ClassVar[int]
    registration: AttendanceRegistration
    warning: str
    warning_zh: str
    def __init__(self, registration: _Optional[_Union[AttendanceRegistration, _Mapping]] = ..., warning: _Optional[str] = ..., warning_zh: _Optional[str] = ...) -> None: ...

class GetAttendanceRegistrationRequest(_message.Message):
    __slots__ = ("registration_id",)
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    def __init__(self, registration_id: _Optional[str] = ...) -> None: ...

class ListAttendanceRegistrationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "term_id", "status", "waiting_for_me")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    WAITING_FOR_ME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    term_id: str
    status: str
    waiting_for_me: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., term_id: _Optional[str] = ..., status: _Optional[str] = ..., waiting_for_me: _Optional[bool] = ...) -> None: ...

class ListAttendanceRegistrationsResponse(_message.Message):
    __slots__ = ("registrations", "next_page_token")
    REGISTRATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    registrations: _containers.RepeatedCompositeFieldContainer[AttendanceRegistration]
    next_page_token: str
    def __init__(self, registrations: _Optional[_Iterable[_Union[AttendanceRegistration, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DecideAttendanceRegistrationRequest(_message.Message):
    __slots__ = ("registration_id", "approve", "note")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    approve: bool
    note: str
    def __init__(self, registration_id: _Optional[str] = ..., approve: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class RosterEntry(_message.Message):
    __slots__ = ("registration_id", "customer_id", "enrollment_id", "card", "seller_id")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    SELLER_ID_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    customer_id: str
    enrollment_id: str
    card: str
    seller_id: str
    def __init__(self, registration_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., enrollment_id: _Optional[str] = ..., card: _Optional[str] = ..., seller_id: _Optional[str] = ...) -> None: ...

class GetTermRosterRequest(_message.Message):
    __slots__ = ("term_id", "page_size", "page_token")
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    term_id: str
    page_size: int
    page_token: str
    def __init__(self, term_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetTermRosterResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[RosterEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[RosterEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListInvitationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "stage")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    stage: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., stage: _Optional[str] = ...) -> None: ...

class AdvanceInvitationRequest(_message.Message):
    __slots__ = ("registration_id", "stage")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    stage: str
    def __init__(self, registration_id: _Optional[str] = ..., stage: _Optional[str] = ...) -> None: ...

class SignInRequest(_message.Message):
    __slots__ = ("term_id", "session_id", "id_card_number", "lesson_hours")
    TERM_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ID_CARD_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LESSON_HOURS_FIELD_NUMBER: _ClassVar[int]
    term_id: str
    session_id: str
    id_card_number: str
    lesson_hours: int
    def __init__(self, term_id: _Optional[str] = ..., session_id: _Optional[str] = ..., id_card_number: _Optional[str] = ..., lesson_hours: _Optional[int] = ...) -> None: ...

class SignInResponse(_message.Message):
    __slots__ = ("registration", "attendance_id", "already_signed_in", "remaining_hours")
    REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_ID_FIELD_NUMBER: _ClassVar[int]
    ALREADY_SIGNED_IN_FIELD_NUMBER: _ClassVar[int]
    REMAINING_HOURS_FIELD_NUMBER: _ClassVar[int]
    registration: AttendanceRegistration
    attendance_id: str
    already_signed_in: bool
    remaining_hours: int
    def __init__(self, registration: _Optional[_Union[AttendanceRegistration, _Mapping]] = ..., attendance_id: _Optional[str] = ..., already_signed_in: _Optional[bool] = ..., remaining_hours: _Optional[int] = ...) -> None: ...
