"""Enrollment: the course catalogue (`/v1/courses`, `/v1/terms`, `/v1/classes`), sales orders
(`/v1/orders`, deposit) and enrollments (`/v1/enrollments` with `/transfer`, `/suspend`,
`/resume`, `/withdraw`, `/renew`).

The enrollment service decides who may do what and keeps every row to the caller's data
scope (catalogue by the campus's region, orders and enrollments by their seller): its
PERMISSION_DENIED is a 403 problem, a row out of scope a 404. The gateway authenticates,
audits (`ctx.target`), validates bodies strictly, and forwards `Idempotency-Key` on every
write (the service stores the answer in the transaction of the change). Money is integer fen,
lesson hours integers. Orders and enrollments name customers by id only (no personal data).
"""
import datetime as dt
from typing import Annotated, Any, Literal

from contracts.enrollment import enrollment_pb2 as pb
from fastapi import APIRouter, Path, Query, Request, Response
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field, model_validator

from ..auth import Authenticated
from ..context import RequestContext
from ..enrollment_client import client_of
from ..idempotency import fingerprint, idempotency_key
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, MultilineText, Page, StrictBody, Text
from .deps import Auth, Ctx, Runtime

router = APIRouter(tags=["enrollment"])

_ID = Annotated[str, Field(pattern=ID_PATTERN)]
_FEN = Annotated[int, Field(ge=0, le=10**12, description="integer fen")]
_HOURS = Annotated[int, Field(ge=1, le=100_000, description="lesson hours")]
Category = Literal["new_training", "retraining", "trial"]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(
    max_length=1024, pattern=r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$",
    description="`next_cursor` of the previous page (opaque)")]
PathId = Annotated[str, Path(pattern=ID_PATTERN)]
QueryId = Annotated[str | None, Query(pattern=ID_PATTERN)]


# --- bodies ----------------------------------------------------------------------------------

class RatioIn(StrictBody):
    role: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
    channel_tier: Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9_]*$")] = Field(
        default="", description="empty: any tier (and sales without a channel)")
    ratio_bp: int = Field(ge=0, le=10_000, description="basis points of the order's price")


class CourseBody(StrictBody):
    name: Text = Field(min_length=1, max_length=200)
    category: Category
    stage: int = Field(default=0, ge=0, le=20, description="0: not a staged course")
    prerequisite_course_id: _ID | None = None
    tool: bool = False
    lesson_hours: _HOURS = Field(description="hours of one package")
    price_fen: _FEN = Field(description="price of one package, integer fen")
    campus_id: _ID | None = Field(default=None, description="none: company-wide")
    absence_counts_as_consumed: bool = False


class UpdateCourseBody(CourseBody):
    active: bool = True


class NewCourseBody(CourseBody):
    id: _ID | None = Field(default=None, description="Assigned when absent")
    commission_ratios: list[RatioIn] = Field(default_factory=list, max_length=100)


class RatiosBody(StrictBody):
    ratios: list[RatioIn] = Field(max_length=100)


class TermBody(StrictBody):
    id: _ID | None = Field(default=None, description="Assigned when absent")
    campus_id: _ID
    name: Text = Field(min_length=1, max_length=200)
    start_date: dt.date
    end_date: dt.date

    @model_validator(mode="after")
    def ordered(self) -> "TermBody":
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ClassBody(StrictBody):
    term_id: _ID
    course_id: _ID
    name: Text = Field(min_length=1, max_length=200)
    capacity: int = Field(ge=1, le=100_000)
    start_date: dt.date | None = Field(default=None, description="the term's when absent")
    end_date: dt.date | None = None


class NewClassBody(ClassBody):
    id: _ID | None = Field(default=None, description="Assigned when absent")


class OrderBody(StrictBody):
    kind: Literal["lesson_hours", "class", "bundle"]
    customer_id: _ID
    campus_id: _ID
    course_id: _ID | None = Field(default=None, description="kind lesson_hours")
    lesson_hours: int | None = Field(default=None, ge=1, le=100_000,
                                     description="kind lesson_hours")
    class_id: _ID | None = Field(default=None, description="kind class")
    course_ids: list[_ID] = Field(default_factory=list, max_length=20,
                                  description="kind bundle: two or more courses")
    proxy_registration: bool = Field(default=False, description="代报名: payer_customer_id pays")
    payer_customer_id: _ID | None = None
    channel_id: _ID | None = None
    channel_tier: Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9_]*$")] | None = None
    discount_fen: _FEN = 0
    deposit_fen: _FEN = 0

    @model_validator(mode="after")
    def shaped(self) -> "OrderBody":
        if self.kind == "lesson_hours" and (self.course_id is None or self.lesson_hours is None):
            raise ValueError("kind lesson_hours takes course_id and lesson_hours")
        if self.kind == "class" and self.class_id is None:
            raise ValueError("kind class takes class_id")
        if self.kind == "bundle" and len(self.course_ids) < 2:
            raise ValueError("kind bundle takes two or more course_ids")
        return self


class DecisionBody(StrictBody):
    note: MultilineText = Field(default="", max_length=500)


class ReasonBody(StrictBody):
    reason: MultilineText = Field(default="", max_length=500)


class TransferBody(ReasonBody):
    class_id: _ID


class RenewBody(StrictBody):
    lesson_hours: _HOURS
    discount_fen: _FEN = 0
    deposit_fen: _FEN = 0


# --- responses (OpenAPI) ---------------------------------------------------------------------

class RatioOut(BaseModel):
    role: str
    channel_tier: str
    ratio_bp: int


class CourseOut(BaseModel):
    id: str
    name: str
    category: str
    stage: int
    prerequisite_course_id: str | None
    tool: bool
    lesson_hours: int
    price_fen: int
    campus_id: str | None
    absence_counts_as_consumed: bool
    active: bool
    commission_version: int
    commission_ratios: list[RatioOut]


class TermOut(BaseModel):
    id: str
    campus_id: str
    name: str
    start_date: str
    end_date: str


class ClassOut(BaseModel):
    id: str
    term_id: str
    campus_id: str
    course_id: str
    name: str
    capacity: int
    start_date: str
    end_date: str
    taken: int


class CommissionUsed(BaseModel):
    course_id: str
    version: int


class OrderOut(BaseModel):
    id: str
    kind: str
    customer_id: str
    payer_customer_id: str | None
    proxy_registration: bool
    course_id: str
    course_ids: list[str]
    class_id: str | None
    term_id: str | None
    campus_id: str
    seller_id: str
    seller_department_id: str | None
    seller_region_id: str | None
    channel_id: str | None
    channel_tier: str | None
    list_price_fen: int
    discount_fen: int
    price_fen: int
    deposit_fen: int
    lesson_hours: int
    status: Literal["pending_approval", "placed", "rejected", "cancelled", "enrolled"]
    renews_enrollment_id: str | None
    cancel_reason: str
    created_at: dt.datetime | None
    placed_at: dt.datetime | None
    commission: list[CommissionUsed]


class EnrollmentOut(BaseModel):
    id: str
    order_id: str
    customer_id: str
    course_id: str
    class_id: str | None
    term_id: str | None
    campus_id: str
    seller_id: str
    status: Literal["active", "suspended", "withdrawn", "dropped_out"]
    purchased_hours: int
    consumed_hours: int
    remaining_hours: int
    price_fen: int
    confirmed_at: dt.datetime | None


class ChangeOut(BaseModel):
    enrollment: EnrollmentOut
    change: str
    hours_delta: int


# --- protobuf -> JSON ------------------------------------------------------------------------

def _ts(message: Any, name: str) -> str | None:
    if not message.HasField(name):
        return None
    value: Timestamp = getattr(message, name)
    return value.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def course_json(c: pb.Course) -> dict:
    return {"id": c.id, "name": c.name, "category": c.category, "stage": c.stage,
            "prerequisite_course_id": c.prerequisite_course_id or None, "tool": c.tool,
            "lesson_hours": c.lesson_hours, "price_fen": c.price_fen,
            "campus_id": c.campus_id or None,
            "absence_counts_as_consumed": c.absence_counts_as_consumed, "active": c.active,
            "commission_version": c.commission_version,
            "commission_ratios": [{"role": r.role, "channel_tier": r.channel_tier,
                                   "ratio_bp": r.ratio_bp} for r in c.commission_ratios]}


def term_json(t: pb.Term) -> dict:
    return {"id": t.id, "campus_id": t.campus_id, "name": t.name, "start_date": t.start_date,
            "end_date": t.end_date}


def class_json(k: pb.Class) -> dict:
    return {"id": k.id, "term_id": k.term_id, "campus_id": k.campus_id,
            "course_id": k.course_id, "name": k.name, "capacity": k.capacity,
            "start_date": k.start_date, "end_date": k.end_date, "taken": k.taken}


def order_json(o: pb.Order) -> dict:
    return {"id": o.id, "kind": o.kind, "customer_id": o.customer_id,
            "payer_customer_id": o.payer_customer_id or None,
            "proxy_registration": o.proxy_registration, "course_id": o.course_id,
            "course_ids": list(o.course_ids), "class_id": o.class_id or None,
            "term_id": o.term_id or None, "campus_id": o.campus_id, "seller_id": o.seller_id,
            "seller_department_id": o.seller_department_id or None,
            "seller_region_id": o.seller_region_id or None,
            "channel_id": o.channel_id or None, "channel_tier": o.channel_tier or None,
            "list_price_fen": o.list_price_fen, "discount_fen": o.discount_fen,
            "price_fen": o.price_fen, "deposit_fen": o.deposit_fen,
            "lesson_hours": o.lesson_hours, "status": o.status,
            "renews_enrollment_id": o.renews_enrollment_id or None,
            "cancel_reason": o.cancel_reason, "created_at": _ts(o, "created_at"),
            "placed_at": _ts(o, "placed_at"),
            "commission": [{"course_id": c.course_id, "version": c.version}
                           for c in o.commission]}


def enrollment_json(e: pb.Enrollment) -> dict:
    return {"id": e.id, "order_id": e.order_id, "customer_id": e.customer_id,
            "course_id": e.course_id, "class_id": e.class_id or None,
            "term_id": e.term_id or None, "campus_id": e.campus_id, "seller_id": e.seller_id,
            "status": e.status, "purchased_hours": e.purchased_hours,
            "consumed_hours": e.consumed_hours, "remaining_hours": e.remaining_hours,
            "price_fen": e.price_fen, "confirmed_at": _ts(e, "confirmed_at")}


def change_json(r: pb.ChangeEnrollmentResponse) -> dict:
    return {"enrollment": enrollment_json(r.enrollment), "change": r.change,
            "hours_delta": r.hours_delta}


def _page(items: list[dict], response: Any) -> dict:
    return {"items": items, "next_cursor": response.next_page_token or None}


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message: Any,
                 to_json, *, status: int = 200, created: str | None = None) -> Response:
    """One idempotent write: the same key + request replays the first answer; the key is
    forwarded so that the service stores its answer with the change."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await client_of(request).call(method, message,
                                                 forward_metadata(ctx, auth, key))
        answer = to_json(response)
        if created is not None:
            ctx.target(created, answer["id"])
            ctx.response_headers["Location"] = f"{request.url.path}/{answer['id']}"
        return status, answer

    payload = body.model_dump(mode="json") if body is not None else None
    return await rt.idempotency.run(auth.caller.user_id, key,
                                    fingerprint(request.method, request.url.path, payload), run)


async def _read(request: Request, auth: Authenticated, ctx: RequestContext, method: str,
                message: Any) -> Any:
    return await client_of(request).call(method, message, forward_metadata(ctx, auth))


def _course_message(body: CourseBody, course_id: str, active: bool) -> pb.Course:
    return pb.Course(
        id=course_id, name=body.name, category=body.category, stage=body.stage,
        prerequisite_course_id=body.prerequisite_course_id or "", tool=body.tool,
        lesson_hours=body.lesson_hours, price_fen=body.price_fen,
        campus_id=body.campus_id or "",
        absence_counts_as_consumed=body.absence_counts_as_consumed, active=active)


def _ratios(ratios: list[RatioIn]) -> list[pb.CommissionRatio]:
    return [pb.CommissionRatio(role=r.role, channel_tier=r.channel_tier, ratio_bp=r.ratio_bp)
            for r in ratios]


# --- courses ---------------------------------------------------------------------------------

@router.get("/v1/courses", name="courses.list", response_model=Page[CourseOut])
async def list_courses(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                       cursor: Cursor = None, campus_id: QueryId = None,
                       category: Category | None = None) -> dict:
    """Company-wide courses and those of the campuses the caller's region runs."""
    ctx.target("course")
    response = await _read(request, auth, ctx, "ListCourses", pb.ListCoursesRequest(
        page_size=limit, page_token=cursor or "", campus_id=campus_id or "",
        category=category or ""))
    return _page([course_json(c) for c in response.courses], response)


@router.post("/v1/courses", name="courses.create", status_code=201, response_model=CourseOut)
async def create_course(body: NewCourseBody, request: Request, auth: Auth, ctx: Ctx,
                        rt: Runtime):
    """A course (catalogue managers; a campus's course within their scope, company-wide
    ones by all-scope staff). Its commission ratios, if given, are version 1."""
    ctx.target("course", body.id or "")
    message = _course_message(body, body.id or "", True)
    message.commission_ratios.extend(_ratios(body.commission_ratios))
    return await _write(request, auth, ctx, rt, body, "CreateCourse",
                        pb.CreateCourseRequest(course=message),
                        lambda r: course_json(r.course), status=201, created="course")


@router.get("/v1/courses/{course_id}", name="courses.get", response_model=CourseOut)
async def get_course(course_id: PathId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("course", course_id)
    response = await _read(request, auth, ctx, "GetCourse",
                           pb.GetCourseRequest(course_id=course_id))
    return course_json(response.course)


@router.put("/v1/courses/{course_id}", name="courses.put", response_model=CourseOut)
async def put_course(course_id: PathId, body: UpdateCourseBody, request: Request, auth: Auth,
                     ctx: Ctx, rt: Runtime):
    ctx.target("course", course_id)
    return await _write(request, auth, ctx, rt, body, "UpdateCourse",
                        pb.UpdateCourseRequest(course=_course_message(body, course_id,
                                                                      body.active)),
                        lambda r: course_json(r.course))


@router.put("/v1/courses/{course_id}/commission-ratios", name="courses.commission_ratios.put",
            response_model=CourseOut)
async def put_commission_ratios(course_id: PathId, body: RatiosBody, request: Request,
                                auth: Auth, ctx: Ctx, rt: Runtime):
    """A new version of the course's commission ratios (per role and channel tier); orders
    placed before keep the version they used."""
    ctx.target("course", course_id)
    return await _write(request, auth, ctx, rt, body, "SetCommissionRatios",
                        pb.SetCommissionRatiosRequest(course_id=course_id,
                                                      ratios=_ratios(body.ratios)),
                        lambda r: course_json(r.course))


# --- terms and classes -----------------------------------------------------------------------

@router.get("/v1/terms", name="terms.list", response_model=Page[TermOut])
async def list_terms(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                     cursor: Cursor = None, campus_id: QueryId = None) -> dict:
    ctx.target("term")
    response = await _read(request, auth, ctx, "ListTerms", pb.ListTermsRequest(
        page_size=limit, page_token=cursor or "", campus_id=campus_id or ""))
    return _page([term_json(t) for t in response.terms], response)


@router.post("/v1/terms", name="terms.create", status_code=201, response_model=TermOut)
async def create_term(body: TermBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("term", body.id or "")
    return await _write(request, auth, ctx, rt, body, "CreateTerm", pb.CreateTermRequest(
        term=pb.Term(id=body.id or "", campus_id=body.campus_id, name=body.name,
                     start_date=body.start_date.isoformat(),
                     end_date=body.end_date.isoformat())),
        lambda r: term_json(r.term), status=201, created="term")


@router.get("/v1/terms/{term_id}", name="terms.get", response_model=TermOut)
async def get_term(term_id: PathId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("term", term_id)
    response = await _read(request, auth, ctx, "GetTerm", pb.GetTermRequest(term_id=term_id))
    return term_json(response.term)


def _class_message(body: ClassBody, class_id: str) -> pb.Class:
    return pb.Class(id=class_id, term_id=body.term_id, course_id=body.course_id,
                    name=body.name, capacity=body.capacity,
                    start_date=body.start_date.isoformat() if body.start_date else "",
                    end_date=body.end_date.isoformat() if body.end_date else "")


@router.get("/v1/classes", name="classes.list", response_model=Page[ClassOut])
async def list_classes(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                       cursor: Cursor = None, term_id: QueryId = None) -> dict:
    ctx.target("class")
    response = await _read(request, auth, ctx, "ListClasses", pb.ListClassesRequest(
        page_size=limit, page_token=cursor or "", term_id=term_id or ""))
    return _page([class_json(k) for k in response.classes], response)


@router.post("/v1/classes", name="classes.create", status_code=201, response_model=ClassOut)
async def create_class(body: NewClassBody, request: Request, auth: Auth, ctx: Ctx,
                       rt: Runtime):
    ctx.target("class", body.id or "")
    return await _write(request, auth, ctx, rt, body, "CreateClass",
                        pb.CreateClassRequest(class_=_class_message(body, body.id or "")),
                        lambda r: class_json(r.class_), status=201, created="class")


@router.get("/v1/classes/{class_id}", name="classes.get", response_model=ClassOut)
async def get_class(class_id: PathId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("class", class_id)
    response = await _read(request, auth, ctx, "GetClass",
                           pb.GetClassRequest(class_id=class_id))
    return class_json(response.class_)


@router.put("/v1/classes/{class_id}", name="classes.put", response_model=ClassOut)
async def put_class(class_id: PathId, body: ClassBody, request: Request, auth: Auth, ctx: Ctx,
                    rt: Runtime):
    ctx.target("class", class_id)
    return await _write(request, auth, ctx, rt, body, "UpdateClass",
                        pb.UpdateClassRequest(class_=_class_message(body, class_id)),
                        lambda r: class_json(r.class_))


# --- orders ----------------------------------------------------------------------------------

@router.get("/v1/orders", name="orders.list", response_model=Page[OrderOut])
async def list_orders(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                      cursor: Cursor = None, customer_id: QueryId = None,
                      status: Literal["pending_approval", "placed", "rejected", "cancelled",
                                      "enrolled"] | None = None) -> dict:
    """Orders in the caller's scope: a seller's own, a manager's department, a director's
    region."""
    ctx.target("order")
    response = await _read(request, auth, ctx, "ListOrders", pb.ListOrdersRequest(
        page_size=limit, page_token=cursor or "", customer_id=customer_id or "",
        status=status or ""))
    return _page([order_json(o) for o in response.orders], response)


@router.post("/v1/orders", name="orders.create", status_code=201, response_model=OrderOut)
async def create_order(body: OrderBody, request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """A sales order (销售订单) sold by the caller: lesson hours of a course, a class, or a
    bundle of courses, at a campus; a proxy registration (代报名) names its payer. Within
    the discount limit it stands at once (`placed`); beyond it, it waits for a manager
    (`pending_approval`, then `/approve` or `/reject`)."""
    ctx.target("order")
    return await _write(request, auth, ctx, rt, body, "PlaceOrder", pb.PlaceOrderRequest(
        kind=body.kind, customer_id=body.customer_id,
        payer_customer_id=body.payer_customer_id or "",
        proxy_registration=body.proxy_registration, course_id=body.course_id or "",
        lesson_hours=body.lesson_hours or 0, class_id=body.class_id or "",
        course_ids=body.course_ids, campus_id=body.campus_id,
        channel_id=body.channel_id or "", channel_tier=body.channel_tier or "",
        discount_fen=body.discount_fen, deposit_fen=body.deposit_fen),
        lambda r: order_json(r.order), status=201, created="order")


@router.get("/v1/orders/{order_id}", name="orders.get", response_model=OrderOut)
async def get_order(order_id: PathId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("order", order_id)
    response = await _read(request, auth, ctx, "GetOrder", pb.GetOrderRequest(order_id=order_id))
    return order_json(response.order)


@router.post("/v1/orders/{order_id}/approve", name="orders.approve", response_model=OrderOut)
async def approve_order(order_id: PathId, body: DecisionBody, request: Request, auth: Auth,
                        ctx: Ctx, rt: Runtime):
    """A manager approves the order's discount (never their own order's)."""
    ctx.target("order", order_id)
    return await _write(request, auth, ctx, rt, body, "DecideOrderDiscount",
                        pb.DecideOrderDiscountRequest(order_id=order_id, approve=True,
                                                      note=body.note),
                        lambda r: order_json(r.order))


@router.post("/v1/orders/{order_id}/reject", name="orders.reject", response_model=OrderOut)
async def reject_order(order_id: PathId, body: DecisionBody, request: Request, auth: Auth,
                       ctx: Ctx, rt: Runtime):
    ctx.target("order", order_id)
    return await _write(request, auth, ctx, rt, body, "DecideOrderDiscount",
                        pb.DecideOrderDiscountRequest(order_id=order_id, approve=False,
                                                      note=body.note),
                        lambda r: order_json(r.order))


@router.post("/v1/orders/{order_id}/cancel", name="orders.cancel", response_model=OrderOut)
async def cancel_order(order_id: PathId, body: ReasonBody, request: Request, auth: Auth,
                       ctx: Ctx, rt: Runtime):
    ctx.target("order", order_id)
    return await _write(request, auth, ctx, rt, body, "CancelOrder",
                        pb.CancelOrderRequest(order_id=order_id, reason=body.reason),
                        lambda r: order_json(r.order))


# --- enrollments -----------------------------------------------------------------------------

@router.get("/v1/enrollments", name="enrollments.list", response_model=Page[EnrollmentOut])
async def list_enrollments(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                           cursor: Cursor = None, customer_id: QueryId = None,
                           status: Literal["active", "suspended", "withdrawn",
                                           "dropped_out"] | None = None) -> dict:
    """Enrollments (made when an order is paid in full) in the caller's scope."""
    ctx.target("enrollment")
    response = await _read(request, auth, ctx, "ListEnrollments", pb.ListEnrollmentsRequest(
        page_size=limit, page_token=cursor or "", customer_id=customer_id or "",
        status=status or ""))
    return _page([enrollment_json(e) for e in response.enrollments], response)


@router.get("/v1/enrollments/{enrollment_id}", name="enrollments.get",
            response_model=EnrollmentOut)
async def get_enrollment(enrollment_id: PathId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("enrollment", enrollment_id)
    response = await _read(request, auth, ctx, "GetEnrollment",
                           pb.GetEnrollmentRequest(enrollment_id=enrollment_id))
    return enrollment_json(response.enrollment)


@router.post("/v1/enrollments/{enrollment_id}/transfer", name="enrollments.transfer",
             response_model=ChangeOut)
async def transfer_enrollment(enrollment_id: PathId, body: TransferBody, request: Request,
                              auth: Auth, ctx: Ctx, rt: Runtime):
    """Into another class of the campus (another course's: a course transfer; a class
    under way: joining mid-way); the remaining hours move along."""
    ctx.target("enrollment", enrollment_id)
    return await _write(request, auth, ctx, rt, body, "TransferEnrollment",
                        pb.TransferEnrollmentRequest(enrollment_id=enrollment_id,
                                                     class_id=body.class_id,
                                                     reason=body.reason), change_json)


def _change_route(action: str, method: str, doc: str) -> None:
    async def change(enrollment_id: PathId, body: ReasonBody, request: Request, auth: Auth,
                     ctx: Ctx, rt: Runtime):
        ctx.target("enrollment", enrollment_id)
        return await _write(request, auth, ctx, rt, body, method,
                            pb.ChangeEnrollmentRequest(enrollment_id=enrollment_id,
                                                       reason=body.reason), change_json)
    change.__doc__ = doc
    router.add_api_route(f"/v1/enrollments/{{enrollment_id}}/{action}", change,
                         methods=["POST"], name=f"enrollments.{action}",
                         response_model=ChangeOut)


_change_route("suspend", "SuspendEnrollment", "Suspend (休学): the hours wait.")
_change_route("resume", "ResumeEnrollment", "Resume a suspended enrollment.")
_change_route("withdraw", "WithdrawEnrollment",
              "Withdraw (退学) before any lesson, or drop out (中途下车) after some: the "
              "remaining hours are taken away (hours_delta = −remaining).")


@router.post("/v1/enrollments/{enrollment_id}/renew", name="enrollments.renew",
             status_code=201, response_model=OrderOut)
async def renew_enrollment(enrollment_id: PathId, body: RenewBody, request: Request,
                           auth: Auth, ctx: Ctx, rt: Runtime):
    """Renew (续班): an order of more hours of the enrollment's course; its full payment
    adds the hours to the enrollment."""
    ctx.target("enrollment", enrollment_id)
    return await _write(request, auth, ctx, rt, body, "RenewEnrollment",
                        pb.RenewEnrollmentRequest(enrollment_id=enrollment_id,
                                                  lesson_hours=body.lesson_hours,
                                                  discount_fen=body.discount_fen,
                                                  deposit_fen=body.deposit_fen),
                        lambda r: order_json(r.order), status=201)


# --- attendance registrations ----------------------------------------------------------------

class RegistrationBody(StrictBody):
    term_id: _ID
    customer_id: _ID
    card: Literal["new", "retrain", "trial"]
    enrollment_id: _ID | None = Field(default=None, description=(
        "the enrollment to attend on; else the customer's enrollment with hours left"))
    note: MultilineText = Field(default="", max_length=500)


class DecisionOut(BaseModel):
    level_name: str
    decision: str
    decided_by: str
    note: str
    decided_at: dt.datetime | None


class RegistrationOut(BaseModel):
    id: str
    term_id: str
    campus_id: str
    customer_id: str
    enrollment_id: str | None
    card: Literal["new", "retrain", "trial"]
    requested_card: str
    seller_id: str
    status: Literal["pending", "approved", "rejected", "withdrawn"]
    next_level: str | None
    remaining_hours: int
    created_at: dt.datetime | None
    note: str
    decisions: list[DecisionOut]
    invitation_stage: Literal["not_attended", "invited", "prepared", "signed_in",
                              "attended"] | None
    invitation_owner_id: str | None
    warning: str | None = None
    warning_zh: str | None = None


class RosterEntryOut(BaseModel):
    registration_id: str
    customer_id: str
    enrollment_id: str | None
    card: str
    seller_id: str


def registration_json(r: pb.AttendanceRegistration, warning: str = "",
                      warning_zh: str = "") -> dict:
    return {"id": r.id, "term_id": r.term_id, "campus_id": r.campus_id,
            "customer_id": r.customer_id, "enrollment_id": r.enrollment_id or None,
            "card": r.card, "requested_card": r.requested_card, "seller_id": r.seller_id,
            "status": r.status, "next_level": r.next_level or None,
            "remaining_hours": r.remaining_hours, "created_at": _ts(r, "created_at"),
            "note": r.note,
            "decisions": [{"level_name": d.level_name, "decision": d.decision,
                           "decided_by": d.decided_by, "note": d.note,
                           "decided_at": _ts(d, "decided_at")} for d in r.decisions],
            "invitation_stage": r.invitation_stage or None,
            "invitation_owner_id": r.invitation_owner_id or None,
            "warning": warning or None, "warning_zh": warning_zh or None}


def _registration_answer(r: pb.AttendanceRegistrationResponse) -> dict:
    return registration_json(r.registration, r.warning, r.warning_zh)


@router.post("/v1/attendance-registrations", name="attendance_registrations.create",
             status_code=201, response_model=RegistrationOut)
async def create_registration(body: RegistrationBody, request: Request, auth: Auth, ctx: Ctx,
                              rt: Runtime):
    """Register a customer for a term (上课登记) on the new / retrain / trial card; then
    department review → senior check → customer-service recheck → finance check. A
    customer with no lesson hours left goes on the retraining card instead of new training
    (`warning` / `warning_zh` say so)."""
    ctx.target("attendance_registration")
    return await _write(request, auth, ctx, rt, body, "CreateAttendanceRegistration",
                        pb.CreateAttendanceRegistrationRequest(
                            term_id=body.term_id, customer_id=body.customer_id,
                            card=body.card, enrollment_id=body.enrollment_id or "",
                            note=body.note),
                        _registration_answer, status=201, created="attendance_registration")


@router.get("/v1/attendance-registrations", name="attendance_registrations.list",
            response_model=Page[RegistrationOut])
async def list_registrations(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                             cursor: Cursor = None, term_id: QueryId = None,
                             status: Literal["pending", "approved", "rejected"] | None = None,
                             waiting_for_me: bool = False) -> dict:
    """Registrations in the caller's scope; `waiting_for_me`: those whose next level the
    caller decides (their to-do list)."""
    ctx.target("attendance_registration")
    response = await _read(request, auth, ctx, "ListAttendanceRegistrations",
                           pb.ListAttendanceRegistrationsRequest(
                               page_size=limit, page_token=cursor or "",
                               term_id=term_id or "", status=status or "",
                               waiting_for_me=waiting_for_me))
    return _page([registration_json(r) for r in response.registrations], response)


@router.get("/v1/attendance-registrations/{registration_id}",
            name="attendance_registrations.get", response_model=RegistrationOut)
async def get_registration(registration_id: PathId, request: Request, auth: Auth,
                           ctx: Ctx) -> dict:
    ctx.target("attendance_registration", registration_id)
    response = await _read(request, auth, ctx, "GetAttendanceRegistration",
                           pb.GetAttendanceRegistrationRequest(registration_id=registration_id))
    return _registration_answer(response)


def _decision_route(action: str, approve: bool) -> None:
    async def decide(registration_id: PathId, body: DecisionBody, request: Request,
                     auth: Auth, ctx: Ctx, rt: Runtime):
        ctx.target("attendance_registration", registration_id)
        return await _write(request, auth, ctx, rt, body, "DecideAttendanceRegistration",
                            pb.DecideAttendanceRegistrationRequest(
                                registration_id=registration_id, approve=approve,
                                note=body.note), _registration_answer)
    decide.__doc__ = f"{action.capitalize()} the registration at its next level (in order; " \
        "never one's own, never two levels of one)."
    router.add_api_route(f"/v1/attendance-registrations/{{registration_id}}/{action}", decide,
                         methods=["POST"], name=f"attendance_registrations.{action}",
                         response_model=RegistrationOut)


_decision_route("approve", True)
_decision_route("reject", False)


@router.get("/v1/terms/{term_id}/roster", name="terms.roster.get",
            response_model=Page[RosterEntryOut])
async def get_roster(term_id: PathId, request: Request, auth: Auth, ctx: Ctx,
                     limit: Limit = 100, cursor: Cursor = None) -> dict:
    """The term's roster: its approved registrations (conference staff see it whole)."""
    ctx.target("term", term_id)
    response = await _read(request, auth, ctx, "GetTermRoster", pb.GetTermRosterRequest(
        term_id=term_id, page_size=limit, page_token=cursor or ""))
    return _page([{"registration_id": e.registration_id, "customer_id": e.customer_id,
                   "enrollment_id": e.enrollment_id or None, "card": e.card,
                   "seller_id": e.seller_id} for e in response.entries], response)


# --- invitations and sign-in -----------------------------------------------------------------

InvitationStage = Literal["not_attended", "invited", "prepared", "signed_in", "attended"]


class AdvanceBody(StrictBody):
    stage: Literal["invited", "prepared", "attended"]


class SignInBody(StrictBody):
    term_id: _ID
    session_id: _ID
    id_card_number: Annotated[str, Field(pattern=r"^[0-9]{17}[0-9Xx]$", description=(
        "the 18-character mainland ID card number (GB 11643; the check digit is verified)"))]
    lesson_hours: _HOURS = Field(description="the session's lesson hours")


class SignInOut(BaseModel):
    registration: RegistrationOut
    attendance_id: str | None
    already_signed_in: bool
    remaining_hours: int


@router.get("/v1/invitations", name="invitations.list", response_model=Page[RegistrationOut])
async def list_invitations(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                           cursor: Cursor = None, stage: InvitationStage | None = None) -> dict:
    """The caller's own invitation queue: approved registrations they rechecked, by stage
    (not attended → invited → prepared → signed in → attended)."""
    ctx.target("invitation")
    response = await _read(request, auth, ctx, "ListInvitations", pb.ListInvitationsRequest(
        page_size=limit, page_token=cursor or "", stage=stage or ""))
    return _page([registration_json(r) for r in response.registrations], response)


@router.post("/v1/invitations/{registration_id}/advance", name="invitations.advance",
             response_model=RegistrationOut)
async def advance_invitation(registration_id: PathId, body: AdvanceBody, request: Request,
                             auth: Auth, ctx: Ctx, rt: Runtime):
    """One step on (invited, prepared; attended after signing in); only the queue's owner."""
    ctx.target("invitation", registration_id)
    return await _write(request, auth, ctx, rt, body, "AdvanceInvitation",
                        pb.AdvanceInvitationRequest(registration_id=registration_id,
                                                    stage=body.stage), _registration_answer)


@router.post("/v1/sign-ins", name="sign_ins.create", response_model=SignInOut)
async def create_sign_in(body: SignInBody, request: Request, auth: Auth, ctx: Ctx):
    """Sign in by ID card number at the desk: records the attendance once per (enrollment,
    session). The Idempotency-Key goes to the service alone, which fingerprints the request
    with a keyed digest of the number (the gateway's own replay store would hash the bare
    number)."""
    ctx.target("sign_in")
    key = idempotency_key(request)
    response = await client_of(request).call("SignIn", pb.SignInRequest(
        term_id=body.term_id, session_id=body.session_id,
        id_card_number=body.id_card_number, lesson_hours=body.lesson_hours),
        forward_metadata(ctx, auth, key))
    ctx.target("attendance", response.attendance_id)
    return {"registration": registration_json(response.registration),
            "attendance_id": response.attendance_id or None,
            "already_signed_in": response.already_signed_in,
            "remaining_hours": response.remaining_hours}
