# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""PublicPoolService and AssignmentService: protobuf in → the pool modules → protobuf out.

Every method needs a person behind the call (a user or a branch's service account); pool
administration (settings, rules, assignment runs) is for `pool_admin_roles`. Writes run
through kit.idempotency (the request's key); an assignment run commits customer by customer
(a retry assigns what is still unowned and reports the rest as already owned).
"""
from __future__ import annotations

import datetime as dt

from contracts.leads import public_pool_pb2 as pb
from contracts.leads import public_pool_pb2_grpc as pb_grpc
from kit import idempotency
from kit.caller import Caller
from kit.db import Database
from kit.errors import InvalidArgument, PermissionDenied
from kit.grpc_context import current_caller, idempotency_key

from ..customers.servicer import WRITER_ROLES
from ..models import utcnow
from ..settings import LeadsSettings
from . import assignment, assignment_rules, convert, policy, pool

POOL_SERVICE_NAME = pb.DESCRIPTOR.services_by_name["PublicPoolService"].full_name
ASSIGNMENT_SERVICE_NAME = pb.DESCRIPTOR.services_by_name["AssignmentService"].full_name
ADD_POOL_TO_SERVER = pb_grpc.add_PublicPoolServiceServicer_to_server
ADD_ASSIGNMENT_TO_SERVER = pb_grpc.add_AssignmentServiceServicer_to_server
# Who browses and claims the pool: the roles that work customers.
POOL_ROLES = WRITER_ROLES
MAX_LEADS = 500


class _Base:
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings
        self.protection = dt.timedelta(days=settings.protection_days)

    @staticmethod
    def _caller() -> Caller:
        caller = current_caller.get()
        if caller is None:  # the internal token opens no pool method
            raise PermissionDenied("a user's access token is required",
                                   reason="auth.user_required", message_zh="需要用户访问令牌")
        return caller

    def _pool_user(self) -> Caller:
        caller = self._caller()
        if not caller.has_role(*POOL_ROLES):
            raise PermissionDenied("your roles may not use the public pool",
                                   reason="pool.denied", message_zh="您无权使用公海")
        return caller

    def _admin(self) -> Caller:
        caller = self._caller()
        if not caller.has_role(*self.settings.pool_admin_roles):
            raise PermissionDenied("only administrators manage the public pool and assignment",
                                   reason="pool.admin_only",
                                   message_zh="仅管理员可管理公海与分配规则")
        return caller

    def _idempotent(self, method: str, request, response_type, caller: Caller, apply):
        key = idempotency_key() or getattr(request, "idempotency_key", "")
        print_ = idempotency.fingerprint([caller.user_id, idempotency.protobuf_fingerprint(
            request, exclude=("idempotency_key",))])
        return idempotency.run_once(self.db, key, method, print_, apply,
                                    idempotency.protobuf_codec(response_type))


class PublicPoolServicer(_Base, pb_grpc.PublicPoolServiceServicer):
    def GetPoolSettings(self, request, context):
        self._pool_user()
        with self.db.read() as s:
            return pb.GetPoolSettingsResponse(
                settings=convert.settings(policy.load(s, self.settings)))

    def UpdatePoolSettings(self, request, context):
        caller = self._admin()
        wanted = convert.policy(request.settings)

        def apply(s) -> pb.UpdatePoolSettingsResponse:
            saved = policy.save(s, wanted, expected_version=request.settings.version,
                                by=caller.user_id)
            return pb.UpdatePoolSettingsResponse(settings=convert.settings(saved))

        return self._idempotent("UpdatePoolSettings", request, pb.UpdatePoolSettingsResponse,
                                caller, apply)

    def ListPoolCustomers(self, request, context):
        caller = self._pool_user()
        f = pool.PoolFilters(tag=request.tag, region=request.region, reason=request.reason)
        with self.db.session() as s:
            page = pool.list_page(s, caller, f, request.page_size, request.page_token)
            phones = pool.primary_phones(s, [c.id for c in page.rows])
            return pb.ListPoolCustomersResponse(
                customers=[convert.pool_customer(c, phones.get(c.id, "")) for c in page.rows],
                next_page_token=page.next_token)

    def ClaimPoolCustomer(self, request, context):
        caller = self._pool_user()

        def apply(s) -> pb.ClaimPoolCustomerResponse:
            p = policy.load(s, self.settings)
            claimed = pool.claim(s, caller, request.customer_id, p, self.protection, utcnow())
            c = claimed.customer
            return pb.ClaimPoolCustomerResponse(
                customer_id=c.id, owner_id=c.owner_id,
                protected_until=convert.timestamp(c.protected_until), held=claimed.held,
                cap=claimed.cap)

        return self._idempotent("ClaimPoolCustomer", request, pb.ClaimPoolCustomerResponse,
                                caller, apply)


def _fields(msg: pb.AssignmentRule) -> assignment_rules.RuleFields:
    return assignment_rules.RuleFields(
        name=msg.name, position=msg.position, enabled=msg.enabled,
        match_regions=tuple(msg.match_regions), match_tags=tuple(msg.match_tags),
        strategy=msg.strategy, user_ids=tuple(msg.user_ids),
        department_id=msg.department_id or None)


class AssignmentServicer(_Base, pb_grpc.AssignmentServiceServicer):
    def ListAssignmentRules(self, request, context):
        self._admin()
        with self.db.session() as s:
            return pb.ListAssignmentRulesResponse(
                rules=[convert.rule(r) for r in assignment_rules.listed(s)])

    def CreateAssignmentRule(self, request, context):
        caller = self._admin()
        fields = assignment_rules.check(_fields(request.rule))

        def apply(s) -> pb.AssignmentRuleResponse:
            return pb.AssignmentRuleResponse(
                rule=convert.rule(assignment_rules.create(s, fields, caller.user_id)))

        return self._idempotent("CreateAssignmentRule", request, pb.AssignmentRuleResponse,
                                caller, apply)

    def UpdateAssignmentRule(self, request, context):
        caller = self._admin()
        fields = assignment_rules.check(_fields(request.rule))

        def apply(s) -> pb.AssignmentRuleResponse:
            return pb.AssignmentRuleResponse(rule=convert.rule(assignment_rules.replace(
                s, request.rule.id, request.rule.version, fields)))

        return self._idempotent("UpdateAssignmentRule", request, pb.AssignmentRuleResponse,
                                caller, apply)

    def DeleteAssignmentRule(self, request, context):
        caller = self._admin()

        def apply(s) -> pb.DeleteAssignmentRuleResponse:
            assignment_rules.delete(s, request.rule_id)
            return pb.DeleteAssignmentRuleResponse()

        return self._idempotent("DeleteAssignmentRule", request,
                                pb.DeleteAssignmentRuleResponse, caller, apply)

    @staticmethod
    def _count(n: int) -> None:
        if not 1 <= n <= MAX_LEADS:
            raise InvalidArgument(f"give 1..{MAX_LEADS} leads", reason="invalid.leads",
                                  message_zh=f"线索数量须为 1 到 {MAX_LEADS}")

    def DryRunAssignment(self, request, context):
        caller = self._admin()
        self._count(len(request.leads))
        leads = [assignment.Lead(i, lead.customer_id, lead.region, tuple(lead.tags))
                 for i, lead in enumerate(request.leads)]
        with self.db.session() as s:
            p = policy.load(s, self.settings)
            decisions = assignment.dry_run(s, caller, leads, p)
            s.rollback()  # a dry run changes nothing
            return pb.DryRunAssignmentResponse(
                decisions=[convert.decision(d) for d in decisions])

    def ApplyAssignment(self, request, context):
        caller = self._admin()
        ids = list(dict.fromkeys(request.customer_ids))
        self._count(len(ids))
        out = []
        for index, customer_id in enumerate(ids):
            with self.db.session() as s:
                p = policy.load(s, self.settings)
                d = assignment.apply_one(s, caller, index, customer_id, p, self.protection,
                                         utcnow())
                out.append(convert.decision(d))
        return pb.ApplyAssignmentResponse(decisions=out)
