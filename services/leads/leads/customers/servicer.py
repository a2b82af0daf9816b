# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The CustomerService servicer: protobuf in → the customers modules → protobuf out.

Every method needs a person behind the call (a user or a branch's service account): the
data scope of its token decides what it sees. Writes run through kit.idempotency (the
request's key), so a retried create neither duplicates nor answers 409 to itself.
"""
from __future__ import annotations

import datetime as dt

from contracts.leads import customers_pb2 as pb
from contracts.leads import customers_pb2_grpc as pb_grpc
from kit import idempotency, pagination
from kit.caller import Caller
from kit.db import Database
from kit.errors import AlreadyExists, InvalidArgument, PermissionDenied
from kit.grpc_context import current_caller, idempotency_key
from sqlalchemy import select

from ..models import Claim
from ..settings import LeadsSettings
from . import claims, convert, records, rules, scope

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["CustomerService"].full_name
# Who may create and change customers (everyone reads within their scope).
WRITER_ROLES = ("admin", "general_manager", "director", "department_manager", "sales",
                "customer_service", "branch_integration")
ADD_TO_SERVER = pb_grpc.add_CustomerServiceServicer_to_server


def _fields(msg: pb.CustomerFields, names) -> dict:
    values = {}
    for name in names:
        value = getattr(msg, name)
        values[name] = list(value) if name in ("phones", "tags", "roles") else value
    return values


class CustomerServicer(pb_grpc.CustomerServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings
        self.claim_rules = claims.ClaimRules(
            protection=dt.timedelta(days=settings.protection_days),
            collision_policy=settings.collision_policy, channel_rule=settings.channel_rule)

    # ---- helpers ---------------------------------------------------------------------
    @staticmethod
    def _caller() -> Caller:
        caller = current_caller.get()
        if caller is None:  # the internal token opens no customer method
            raise PermissionDenied("a user's access token is required",
                                   reason="auth.user_required", message_zh="需要用户访问令牌")
        return caller

    def _writer(self) -> Caller:
        caller = self._caller()
        if not caller.has_role(*WRITER_ROLES):
            raise PermissionDenied("your roles may not change customers",
                                   reason="customer.write_denied", message_zh="您无权修改客户")
        return caller

    def _idempotent(self, method: str, request, response_type, caller: Caller, apply):
        key = idempotency_key() or getattr(request, "idempotency_key", "")
        print_ = idempotency.fingerprint([caller.user_id, idempotency.protobuf_fingerprint(
            request, exclude=("idempotency_key",))])

        def locked(s):
            records.begin_write(s)
            return apply(s)

        return idempotency.run_once(self.db, key, method, print_, locked,
                                    idempotency.protobuf_codec(response_type))

    def _message(self, s, caller: Caller, c, *, duplicates: bool = False) -> pb.Customer:
        full = scope.sees_personal_data(caller, c, self.settings.unmasked_roles)
        dups = records.possible_duplicates(s, caller, c) if duplicates else []
        return convert.customer(c, full=full, possible_duplicate_ids=dups)

    # ---- customers -------------------------------------------------------------------
    def CreateCustomer(self, request, context):
        caller = self._writer()
        if request.on_duplicate not in ("", "refuse", "claim"):
            raise InvalidArgument("on_duplicate must be refuse or claim",
                                  reason="invalid.on_duplicate", message_zh="on_duplicate 无效")
        profile = rules.new_profile(_fields(request.customer, rules.WRITABLE))
        channel_id = rules.check_id("channel_id", request.channel_id)

        def apply(s) -> pb.CreateCustomerResponse:
            try:
                c = records.create(s, caller, profile, protection=self.claim_rules.protection)
            except AlreadyExists as exc:
                if request.on_duplicate != "claim":
                    raise
                existing = s.get(records.Customer, exc.details["existing_customer_id"])
                row = claims.claim(s, caller, existing, self.claim_rules,
                                   channel_id=channel_id, note="duplicate create")
                return pb.CreateCustomerResponse(claim=convert.claim(row),
                                                 existing_customer_id=existing.id)
            return pb.CreateCustomerResponse(
                customer=self._message(s, caller, c, duplicates=True))

        return self._idempotent("CreateCustomer", request, pb.CreateCustomerResponse, caller,
                                apply)

    def GetCustomer(self, request, context):
        caller = self._caller()
        with self.db.session() as s:
            c = records.visible(s, caller, request.customer_id)
            pending = claims.pending(s, c.id)
            return pb.GetCustomerResponse(
                customer=self._message(s, caller, c, duplicates=True),
                pending_claim=convert.claim(pending) if pending else None)

    def ListCustomers(self, request, context):
        caller = self._caller()
        f = records.Filters(q=request.q, phone=request.phone, id_card=request.id_card,
                            owner_id=request.owner_id, stage=request.stage,
                            channel_id=request.channel_id, tag=request.tag,
                            region=request.region, sort=request.sort)
        with self.db.read_connection() as connection:
            page = records.list_page(connection, caller, f, request.page_size,
                                     request.page_token)
        unmasked = self.settings.unmasked_roles
        return pb.ListCustomersResponse(
            customers=[convert.customer(c, full=scope.sees_personal_data(caller, c, unmasked))
                       for c in page.rows],
            next_page_token=page.next_token)

    def UpdateCustomer(self, request, context):
        caller = self._writer()
        names = list(dict.fromkeys(request.update_fields))
        values = {name: rules.check_field(name, value) for name, value in
                  _fields(request.customer, [n for n in names if n in rules.WRITABLE]).items()}
        unknown = [n for n in names if n not in rules.WRITABLE]
        if unknown:
            rules.check_field(unknown[0], None)  # raises invalid.update_fields

        def apply(s) -> pb.UpdateCustomerResponse:
            c = records.visible(s, caller, request.customer_id, for_update=True)
            records.update(s, caller, c, values)
            return pb.UpdateCustomerResponse(customer=self._message(s, caller, c))

        return self._idempotent("UpdateCustomer", request, pb.UpdateCustomerResponse, caller,
                                apply)

    def MergeCustomers(self, request, context):
        caller = self._writer()

        def apply(s) -> pb.MergeCustomersResponse:
            survivor = records.visible(s, caller, request.survivor_id, for_update=True)
            merged = records.visible(s, caller, request.merged_id, for_update=True)
            records.merge(s, caller, survivor, merged, dict(request.field_sources))
            return pb.MergeCustomersResponse(customer=self._message(s, caller, survivor))

        return self._idempotent("MergeCustomers", request, pb.MergeCustomersResponse, caller,
                                apply)

    # ---- claims ----------------------------------------------------------------------
    def ClaimCustomer(self, request, context):
        caller = self._writer()
        channel_id = rules.check_id("channel_id", request.channel_id)

        def apply(s) -> pb.ClaimCustomerResponse:
            # A claim names a customer the claimant may not see yet (learned from a 409):
            # the answer carries the claim only, never the customer's data.
            c = s.get(records.Customer, request.customer_id) if request.customer_id else None
            if c is None:
                raise scope.not_found(request.customer_id)
            row = claims.claim(s, caller, c, self.claim_rules, channel_id=channel_id,
                               note=request.note)
            return pb.ClaimCustomerResponse(claim=convert.claim(row))

        return self._idempotent("ClaimCustomer", request, pb.ClaimCustomerResponse, caller,
                                apply)

    def DecideClaim(self, request, context):
        caller = self._caller()

        def apply(s) -> pb.DecideClaimResponse:
            c = s.get(records.Customer, request.customer_id) if request.customer_id else None
            if c is None:
                raise scope.not_found(request.customer_id)
            row = claims.decide(s, caller, c, request.claim_id, request.approve, request.note,
                                self.claim_rules, self.settings.arbiter_roles)
            return pb.DecideClaimResponse(claim=convert.claim(row))

        return self._idempotent("DecideClaim", request, pb.DecideClaimResponse, caller, apply)

    def ListClaims(self, request, context):
        caller = self._caller()
        with self.db.read() as s:
            c = records.visible(s, caller, request.customer_id)
            stmt = select(Claim).where(Claim.customer_id == c.id)
            if request.status:
                stmt = stmt.where(Claim.status == request.status)
            page = pagination.keyset_page(
                s, stmt, [Claim.requested_at, Claim.id], token=request.page_token,
                size=pagination.page_size(request.page_size),
                list_name=f"claims:{c.id}:{request.status}", descending=True)
            return pb.ListClaimsResponse(claims=[convert.claim(r) for r in page.rows],
                                         next_page_token=page.next_token)
