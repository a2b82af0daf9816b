"""From a stored user to what tokens and API responses say about them."""
from __future__ import annotations

from . import roles
from .models import User
from .tokens import Principal


def principal_of(user: User) -> Principal:
    user_roles = tuple(user.roles or ())
    return Principal(
        user_id=user.id, username=user.username, roles=user_roles,
        org_unit_id=user.org_unit_id, department_id=user.department_id,
        region_id=user.region_id, data_scope=roles.data_scope(user_roles).value,
        rights=roles.rights(user_roles))
