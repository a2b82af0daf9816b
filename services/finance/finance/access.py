"""Who may do what in finance (roles; data scope is scope.py). The internal token grants
nothing here: finance lists no internal-token method."""
from __future__ import annotations

from kit.caller import Caller
from kit.errors import PermissionDenied
from kit.grpc_context import optional_caller

READ_ROLES = ("admin", "general_manager", "director", "department_manager", "sales",
              "customer_service", "finance", "cashier")
PAYMENT_ROLES = ("admin", "finance", "cashier")
REFUND_REQUEST_ROLES = ("admin", "sales", "customer_service", "department_manager", "director",
                        "finance")
REFUND_DECISION_ROLES = ("sales", "department_manager", "director", "finance",
                         "general_manager")
CASHIER_ROLES = ("cashier",)
STATEMENT_ROLES = ("finance",)
REVIEW_RIGHT = "finance.review"


def require(*roles: str, right: str | None = None) -> Caller:
    caller = optional_caller()
    if caller is None or not (caller.has_role(*roles) or (right and caller.can(right))):
        raise PermissionDenied("your roles do not allow this finance operation",
                               reason="finance.forbidden", message_zh="您的角色无权执行此财务操作")
    return caller
