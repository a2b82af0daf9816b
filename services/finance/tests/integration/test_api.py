"""The api process end to end: an in-process grpcio server, real stubs and tokens, a real
database (SQLite and PostgreSQL): roles, data scope, idempotency keys on every write."""
from __future__ import annotations

import json
import time
import uuid

import grpc
import jwt
import pytest
from contracts.finance import finance_pb2 as pb
from contracts.finance import finance_pb2_grpc as pb_grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from finance import api, lesson_hours
from finance.settings import FinanceSettings
from jwt.algorithms import OKPAlgorithm
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER, KeySet

INTERNAL = "test-internal-token"


class Tokens:
    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid="k1", alg="EdDSA", use="sig")
        self.key_set = KeySet(lambda: {"keys": [jwk]})

    def metadata(self, user_id: str, *roles: str, scope: str = "all", dept: str = "dep-1",
                 region: str = "reg-1", rights=(), key: str | None = None):
        now = int(time.time())
        claims = {"sub": user_id, "name": user_id, "roles": list(roles), "scope": scope,
                  "dept": dept, "region": region, "rights": list(rights), "iss": ISSUER,
                  "aud": AUDIENCE, "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex}
        token = jwt.encode(claims, self.key, algorithm="EdDSA",
                           headers={"kid": "k1", "typ": ACCESS_TOKEN_TYPE})
        md = [("authorization", f"Bearer {token}")]
        if key:
            md.append(("idempotency-key", key))
        return tuple(md)


TOKENS = Tokens()


@pytest.fixture(scope="module")
def server(db):
    settings = FinanceSettings(database_url=db.url, voucher_max_bytes=1000)
    running = api.build_server(settings, db, address="127.0.0.1:0", key_set=TOKENS.key_set,
                               internal_token=INTERNAL)
    channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
    yield pb_grpc.FinanceServiceStub(channel)
    channel.close()
    running.stop(0)


def as_(user_id, *roles, **kwargs):
    return dict(metadata=TOKENS.metadata(user_id, *roles, **kwargs), timeout=10)


def key():
    return uuid.uuid4().hex


def error(call, *args, **kwargs) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value.code(), dict(caught.value.trailing_metadata()).get("x-error-reason")


def test_payment_idempotency_same_key_same_answer_other_body_refused(server, db, fx):
    order = fx.unique("o")
    fx.place(db, order, price_fen=500_000)
    k = key()
    request = pb.RecordPaymentRequest(order_id=order, kind="deposit", amount_fen=50_000,
                                      method="wechat")
    first = server.RecordPayment(request, **as_("u-cash", "cashier", key=k)).payment
    again = server.RecordPayment(request, **as_("u-cash", "cashier", key=k)).payment
    assert first == again and first.paid_total_fen == 50_000
    other = pb.RecordPaymentRequest(order_id=order, kind="deposit", amount_fen=60_000)
    assert error(server.RecordPayment, other, **as_("u-cash", "cashier", key=k)) == \
        (grpc.StatusCode.FAILED_PRECONDITION, "idempotency_conflict")
    got = server.GetOrder(pb.GetOrderRequest(order_id=order), **as_("u-fin", "finance"))
    assert got.order.paid_fen == 50_000 and got.order.status == "open"
    # only money handlers record payments
    assert error(server.RecordPayment, request, **as_("u-seller", "sales", key=key()))[0] == \
        grpc.StatusCode.PERMISSION_DENIED


def test_scope_own_department_region(server, db, fx):
    order, customer = fx.unique("o"), fx.unique("c")
    fx.place(db, order, customer_id=customer, seller_id="u-s1", department_id="dep-1",
             region_id="reg-1")
    server.RecordPayment(pb.RecordPaymentRequest(order_id=order, kind="deposit",
                                                 amount_fen=1000), **as_("u-cash", "cashier",
                                                                          key=key()))
    get = pb.GetAccountRequest(customer_id=customer)
    assert server.GetAccount(get, **as_("u-s1", "sales", scope="own")).account.paid_fen == 1000
    for who in (as_("u-s2", "sales", scope="own"),
                as_("u-dm2", "department_manager", scope="department", dept="dep-2"),
                as_("u-dir2", "director", scope="region", region="reg-2")):
        assert error(server.GetAccount, get, **who)[0] == grpc.StatusCode.NOT_FOUND
        assert error(server.GetOrder, pb.GetOrderRequest(order_id=order), **who)[0] == \
            grpc.StatusCode.NOT_FOUND
        assert not server.ListPayments(pb.ListPaymentsRequest(order_id=order), **who).payments
    for who in (as_("u-dm1", "department_manager", scope="department", dept="dep-1"),
                as_("u-dir1", "director", scope="region", region="reg-1")):
        assert server.GetAccount(get, **who).account.customer_id == customer
    # a cashier of another region cannot pay into this order either
    assert error(server.RecordPayment, pb.RecordPaymentRequest(
        order_id=order, kind="instalment", amount_fen=1),
        **as_("u-cash2", "cashier", scope="region", region="reg-2", key=key()))[0] == \
        grpc.StatusCode.NOT_FOUND
    # money staff (identity gives them `own`) work across their region, not beyond it
    cashier_own = as_("u-cash3", "cashier", scope="own", dept="dep-fin", region="reg-1",
                      key=key())
    assert server.RecordPayment(pb.RecordPaymentRequest(
        order_id=order, kind="instalment", amount_fen=1), **cashier_own).payment.amount_fen == 1
    assert server.GetAccount(get, **as_("u-fin3", "finance", scope="own", dept="dep-fin",
                                        region="reg-1")).account.paid_fen == 1001
    assert error(server.GetAccount, get, **as_("u-fin4", "finance", scope="own",
                                               dept="dep-fin", region="reg-2"))[0] == \
        grpc.StatusCode.NOT_FOUND
    # roles without finance business get nothing
    assert error(server.GetAccount, get, **as_("u-t", "teacher"))[0] == \
        grpc.StatusCode.PERMISSION_DENIED
    # the internal token opens no finance method
    assert error(server.GetAccount, get, metadata=(("x-educrm-internal-token", INTERNAL),),
                 timeout=10)[0] == grpc.StatusCode.PERMISSION_DENIED


def test_refund_through_the_api(server, db, fx):
    order, customer, enrollment = fx.unique("o"), fx.unique("c"), fx.unique("e")
    fx.place(db, order, customer_id=customer, price_fen=300_000, lesson_hours=10)
    cashier = ("u-cash", "cashier")
    server.RecordPayment(pb.RecordPaymentRequest(order_id=order, kind="full",
                                                 amount_fen=300_000), **as_(*cashier, key=key()))
    with db.session() as s:
        lesson_hours.credit(s, {"enrollment_id": enrollment, "order_id": order,
                                "customer_id": customer, "course_id": "course-pm"})
        lesson_hours.deduct(s, lesson_hours.Attendance(enrollment, "s1", "a1", 4, True),
                            low_balance_hours=0)
    quote = server.QuoteRefund(pb.QuoteRefundRequest(order_id=order),
                               **as_("u-cs", "customer_service")).quote
    assert (quote.stage, quote.unit_price_fen, quote.refundable_fen) == \
        ("attending", 30_000, 180_000)
    k = key()
    request = pb.RequestRefundRequest(order_id=order, reason="moving")
    refund = server.RequestRefund(request, **as_("u-cs", "customer_service", key=k)).refund
    assert server.RequestRefund(request, **as_("u-cs", "customer_service", key=k)).refund.id \
        == refund.id
    assert refund.next_level == "seller" and refund.amount_fen == 180_000
    decide = pb.DecideRefundRequest(refund_id=refund.id, note="ok")
    for who, level in ((("u-s9", "sales"), "department_head"),
                       (("u-dm", "department_manager"), "finance"),
                       (("u-fin", "finance"), "general_manager")):
        assert server.ApproveRefund(decide, **as_(*who, key=key())).refund.next_level == level
    # the same person cannot decide two levels
    assert error(server.ApproveRefund, decide, **as_("u-fin", "finance", "general_manager",
                                                     key=key())) == \
        (grpc.StatusCode.PERMISSION_DENIED, "approval.already_decided_by_you")
    done = server.ApproveRefund(decide, **as_("u-gm", "general_manager", key=key())).refund
    assert done.status == "approved" and len(done.decisions) == 4
    pay = pb.PayRefundRequest(refund_id=refund.id)
    assert error(server.PayRefund, pay, **as_("u-fin", "finance", key=key()))[0] == \
        grpc.StatusCode.PERMISSION_DENIED
    k = key()
    paid = server.PayRefund(pay, **as_(*cashier, key=k)).refund
    assert paid.status == "paid"
    assert server.PayRefund(pay, **as_(*cashier, key=k)).refund == paid  # a retry: same answer
    assert error(server.PayRefund, pay, **as_(*cashier, key=key())) == \
        (grpc.StatusCode.FAILED_PRECONDITION, "refund.already_paid")
    account = server.GetAccount(pb.GetAccountRequest(customer_id=customer),
                                **as_("u-fin", "finance")).account
    assert (account.paid_fen, account.refunded_fen, account.prepaid_fen,
            account.remaining_hours) == (300_000, 180_000, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 10
    voucher = server.UploadVoucher(pb.UploadVoucherRequest(
        document_type="refund", document_id=refund.id, content=png, content_type="image/png",
        file_name="form.png"), **as_(*cashier, key=key())).voucher
    got = server.GetVoucher(pb.GetVoucherRequest(voucher_id=voucher.id),
                            **as_("u-fin", "finance"))
    assert got.content == png and got.voucher.size_bytes == len(png)
    assert error(server.UploadVoucher, pb.UploadVoucherRequest(
        document_type="refund", document_id=refund.id, content=b"%PDF-" + b"1" * 1000,
        content_type="application/pdf"), **as_(*cashier, key=key())) == \
        (grpc.StatusCode.INVALID_ARGUMENT, "voucher.too_large")


def test_commissions_and_statements_through_the_api(server, db, fx):
    person, order = fx.unique("u-seller"), fx.unique("o")
    fx.place(db, order, seller_id=person, price_fen=100_000, channel_tier=None,
             ratios=[{"role": "seller", "channel_tier": None, "ratio_bp": 800}])
    server.RecordPayment(pb.RecordPaymentRequest(order_id=order, kind="full",
                                                 amount_fen=100_000),
                         **as_("u-cash", "cashier", key=key()))
    own = server.ListCommissions(pb.ListCommissionsRequest(),
                                 **as_(person, "sales", scope="own")).commissions
    assert [(c.order_id, c.amount_fen) for c in own] == [(order, 8000)]
    assert not server.ListCommissions(pb.ListCommissionsRequest(person_id=person),
                                      **as_("u-other", "sales", scope="own")).commissions
    month = own[0].month
    created = server.CreateCommissionStatement(
        pb.CreateCommissionStatementRequest(person_id=person, month=month),
        **as_("u-fin", "finance", key=key())).statement
    assert created.total_fen == 8000 and created.status == "draft"
    action = pb.CommissionStatementActionRequest(statement_id=created.id)
    assert error(server.ReviewCommissionStatement, action,
                 **as_("u-cash", "cashier", key=key()))[0] == grpc.StatusCode.PERMISSION_DENIED
    server.ReviewCommissionStatement(action, **as_("u-rev", "general_manager",
                                                   rights=("finance.review",), key=key()))
    assert server.PayCommissionStatement(action, **as_("u-cash", "cashier", key=key())
                                         ).statement.status == "paid"
    assert error(server.PayCommissionStatement, action,
                 **as_("u-cash", "cashier", key=key())) == \
        (grpc.StatusCode.FAILED_PRECONDITION, "statement.already_paid")
