"""User and org administration: create, list (scoped), freeze/unfreeze, leave, service
accounts, org units. Each state change writes its audit record and outbox event in the same
transaction."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from typing import Any

from kit import errors as kit_errors
from kit.caller import Caller, DataScope
from kit.db import Database, PreparedRead
from kit.idempotency import Codec, run_once
from kit.text import check_text
from sqlalchemy import String, bindparam, cast, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from . import audit, errors, events, freeze_rules, org, pagination, revocations, roles
from .auth import AuthService
from .models import OrgUnit, User, utcnow
from .passwords import PasswordPolicyError, Passwords, check_password_policy
from .tokens import hash_secret
from .validation import FieldError, normalise_cn_mobile, normalise_email, normalise_username


@dataclasses.dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    password: str
    email: str = ""
    phone: str = ""
    roles: tuple[str, ...] = ()
    org_unit_id: str = ""

    def fingerprint(self) -> str:
        """What makes two requests "the same" under one idempotency key (never the password)."""
        body = dataclasses.asdict(self)
        body.pop("password")
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


# CreateUser's stored result is the new user's id; a repeat reads the user as it is now.
CREATE_USER = "create_user"
_USER_ID: Codec[User] = Codec(encode=lambda user: user.id.encode(),
                              decode=lambda data, s: s.get(User, data.decode()))


def _username_taken() -> kit_errors.AlreadyExists:
    return kit_errors.AlreadyExists("username taken", reason="user.username_taken",
                                    message_zh="用户名已被占用")


@dataclasses.dataclass(frozen=True)
class StatusChange:
    user: User
    changed: bool


def _scope_of(caller: Caller) -> tuple[str, str | None]:
    """Which users a caller may see, as (kind, the value their column must equal)."""
    scope = caller.data_scope
    if scope == DataScope.ALL:
        return "all", None
    if scope == DataScope.REGION and caller.region_id:
        return "region", caller.region_id
    if scope == DataScope.DEPARTMENT and caller.department_id:
        return "department", caller.department_id
    return "own", caller.user_id


_SCOPE_COLUMNS = {"region": User.region_id, "department": User.department_id, "own": User.id}


@dataclasses.dataclass(frozen=True)
class Operator:
    """Someone with a shell where the services run (`educrm-admin`), not a user account."""
    os_user: str
    host: str

    @property
    def actor(self) -> str:
        return f"operator:{self.os_user}@{self.host}"[:64]


def visible_users(caller: Caller):
    """The SQL condition of the users a caller may see: their data scope, enforced in the
    query (defence in depth; the gateway checks too)."""
    kind, value = _scope_of(caller)
    return true() if kind == "all" else _SCOPE_COLUMNS[kind] == value


# What a user message shows (never the password or client secret hashes).
USER_COLUMNS = (User.id, User.username, User.display_name, User.email, User.phone, User.roles,
                User.org_unit_id, User.department_id, User.region_id, User.status,
                User.frozen_reason, User.created_at, User.service_account)
# GetUser's statement per kind of scope, built once and prepared (kit.db.PreparedRead):
# statement building, SQLAlchemy's execution and PostgreSQL's planning each cost more CPU
# than the primary-key read itself.
_GET_USER = {kind: PreparedRead(select(*USER_COLUMNS).where(
                 User.id == bindparam("user_id"),
                 *([_SCOPE_COLUMNS[kind] == bindparam("scope")] if kind in _SCOPE_COLUMNS
                   else [])))
             for kind in ("all", *_SCOPE_COLUMNS)}


@dataclasses.dataclass(frozen=True)
class CheckedNewUser:
    username: str
    display_name: str
    email: str | None
    phone: str | None
    roles: tuple[str, ...]


def checked_new_user(new: NewUser, *, enforce_policy: bool = True) -> CheckedNewUser:
    """The field rules of a new account (text, username, e-mail, mobile, password policy,
    roles), normalised; InvalidArgument on the first field that breaks one."""
    check_text(new.display_name, "display_name")
    try:
        username = normalise_username(new.username)
        email = normalise_email(new.email) if new.email else None
        phone = normalise_cn_mobile(new.phone) if new.phone else None
        if enforce_policy:
            check_password_policy(new.password, username=username)
    except FieldError as exc:
        raise errors.invalid(exc.field, str(exc), exc.message_zh) from None
    except PasswordPolicyError as exc:
        raise errors.invalid("password", str(exc), exc.message_zh) from None
    try:
        user_roles = roles.check_roles(new.roles)
    except roles.UnknownRole as exc:
        raise errors.invalid("roles", f"invalid role {exc}", "角色无效") from None
    return CheckedNewUser(username=username, display_name=new.display_name.strip() or username,
                          email=email, phone=phone, roles=tuple(user_roles))


class UserService:
    def __init__(self, db: Database, passwords: Passwords, auth: AuthService) -> None:
        self.db = db
        self.passwords = passwords
        self.auth = auth

    # -- reads --------------------------------------------------------------------------
    def get_me(self, caller: Caller) -> tuple[User, OrgUnit | None]:
        with self.db.session() as s:
            user = s.get(User, caller.user_id)
            if user is None:
                raise errors.user_not_found()
            unit = s.get(OrgUnit, user.org_unit_id) if user.org_unit_id else None
            return user, unit

    def get_user(self, caller: Caller, user_id: str) -> Any:
        """The user's `USER_COLUMNS` as a read-only row (same attribute names as `User`):
        GetUser is every service's kind of hot read (one prepared statement)."""
        kind, scope = _scope_of(caller)
        if kind == "all":
            user = self.db.read_first(_GET_USER[kind], user_id=user_id)
        else:
            user = self.db.read_first(_GET_USER[kind], user_id=user_id, scope=scope)
        if user is None:  # invisible and missing look the same
            raise errors.user_not_found()
        return user

    def list_users(self, caller: Caller, *, size: int, token: str, org_unit_id: str = "",
                   query: str = "", status: str = "") -> tuple[list[User], str]:
        stmt = select(User).where(visible_users(caller))
        if org_unit_id:
            stmt = stmt.where(or_(User.org_unit_id == org_unit_id,
                                  User.department_id == org_unit_id,
                                  User.region_id == org_unit_id))
        if query:
            check_text(query, "query")
            prefix = query.strip().lower().replace("%", "").replace("_", r"\_") + "%"
            stmt = stmt.where(or_(User.username.like(prefix, escape="\\"),
                                  User.display_name.like(query.strip() + "%")))
        if status:
            stmt = stmt.where(User.status == status)
        cursor = pagination.decode(token, 1)
        if cursor:
            stmt = stmt.where(User.username > str(cursor[0]))
        size = pagination.page_size(size)
        with self.db.session() as s:
            rows = list(s.scalars(stmt.order_by(User.username).limit(size + 1)))
        next_token = ""
        if len(rows) > size:
            rows = rows[:size]
            next_token = pagination.encode([rows[-1].username])
        return rows, next_token

    # -- create -------------------------------------------------------------------------
    def _validated(self, s: DbSession, new: NewUser, enforce_policy: bool) -> dict:
        fields = checked_new_user(new, enforce_policy=enforce_policy)
        if not new.org_unit_id or s.get(OrgUnit, new.org_unit_id) is None:
            raise errors.org_unit_not_found()
        placement = org.placement(s, new.org_unit_id)
        return dict(username=fields.username, email=fields.email, phone=fields.phone,
                    roles=list(fields.roles), org_unit_id=placement.org_unit_id,
                    department_id=placement.department_id, region_id=placement.region_id,
                    display_name=fields.display_name)

    def create_user(self, caller: Caller | None, new: NewUser, *, idempotency_key: str = "",
                    origin: audit.Origin = audit.Origin(), enforce_policy: bool = True) -> User:
        """Create a user; with an idempotency key, a repeat returns the first result.

        kit.idempotency.run_once stores the new user's id under the key in the transaction
        that creates the user. Two concurrent requests under one new key both get that far;
        the database settles it (primary key of idempotency_keys, unique username): the
        loser's transaction rolls back whole and it answers from the winner's stored result
        like a plain repeat (or idempotency_conflict for a different request).
        """
        if caller is not None and not caller.can(roles.USER_ADMIN):
            raise errors.denied("user.admin right required", "需要用户管理权限")

        def apply(s: DbSession) -> User:
            return self._create_user(s, caller, new, origin, enforce_policy)

        try:
            return run_once(self.db, idempotency_key, CREATE_USER, new.fingerprint(), apply,
                            _USER_ID)
        except IntegrityError:
            # Lost a race to a request taking the username (under another key or none).
            with self.db.session() as s:
                username = normalise_username(new.username)
                if s.scalar(select(User.id).where(User.username == username)):
                    raise _username_taken() from None
            raise

    def _create_user(self, s: DbSession, caller: Caller | None, new: NewUser,
                     origin: audit.Origin, enforce_policy: bool) -> User:
        fields = self._validated(s, new, enforce_policy)
        if s.scalar(select(User.id).where(User.username == fields["username"])):
            raise _username_taken()
        user = User(password_hash=self.passwords.hash(new.password), status="active", **fields)
        s.add(user)
        s.flush()
        audit.record(s, action="user.create", outcome=audit.ALLOWED, actor=caller,
                     target_type="user", target_id=user.id, origin=origin,
                     detail={"roles": list(user.roles), "org_unit_id": user.org_unit_id})
        events.user_created(s, user)
        return user

    # -- freeze / unfreeze / leave ------------------------------------------------------
    def _tell_deny_list(self, s: DbSession, change: str, user_id: str) -> None:
        """This process's deny list learns the change once it commits (see revocations)."""
        deny_list = self.auth.deny_list
        if deny_list is not None:
            revocations.after_commit(s, lambda: getattr(deny_list, change)(user_id))

    def _load(self, s: DbSession, user_id: str) -> User:
        user = s.get(User, user_id) if user_id else None
        if user is None:
            raise errors.user_not_found()
        return user

    def _other_active_unfreezers(self, s: DbSession, user_id: str) -> int:
        """Active human users other than `user_id` who can unfreeze, their rows locked
        (FOR UPDATE) so that two automatic freezes racing cannot both count the other one."""
        maybe = or_(*(cast(User.roles, String).like(f'%"{role}"%')
                      for role in freeze_rules.UNFREEZER_ROLES))
        rows = s.execute(
            select(User.id, User.roles)
            .where(User.status == freeze_rules.ACTIVE, User.service_account.is_(False),
                   User.id != user_id, maybe)
            .with_for_update()).all()
        return sum(1 for _, user_roles in rows if freeze_rules.can_unfreeze(user_roles or ()))

    def freeze(self, caller: Caller | None, user_id: str, *, reason: str, automatic: bool,
               internal: bool, origin: audit.Origin = audit.Origin()) -> StatusChange:
        freeze_rules.check_can_freeze(caller, internal=internal, automatic=automatic,
                                      target_user_id=user_id)
        check_text(reason, "reason", multiline=True)
        with self.db.session() as s:
            if automatic and self.db.is_sqlite:
                # SQLite has no FOR UPDATE, and pysqlite begins a transaction only at the
                # first write: a no-op write first takes the database's write lock, so racing
                # automatic freezes run one after the other and each sees the other's result.
                s.execute(update(User).where(User.id == user_id).values(status=User.status)
                          .execution_options(synchronize_session=False))
            user = self._load(s, user_id)
            if not freeze_rules.transition(user.status, freeze_rules.FROZEN):
                return StatusChange(user, False)
            reason = (reason or ("rate_limit" if automatic else "manual"))[:200]
            if not automatic or freeze_rules.automatic_freeze_allowed(
                    self._other_active_unfreezers(s, user.id)):
                user.status = freeze_rules.FROZEN
                user.frozen_reason = reason
                user.frozen_at = utcnow()
                # Every session ends now: refresh fails, identity's own API refuses the tokens.
                self.auth.revoke_all_sessions(s, user.id, "user.frozen")
                audit.record(s, action="user.freeze", outcome=audit.ALLOWED, actor=caller,
                             actor_username=None if caller else "system",
                             target_type="user", target_id=user.id, origin=origin,
                             detail={"reason": user.frozen_reason, "automatic": automatic})
                events.user_frozen(s, user, automatic=automatic,
                                   frozen_by=caller.user_id if caller else None)
                self._tell_deny_list(s, "user_frozen", user.id)
                return StatusChange(user, True)
            # The alert without the lock-out: audited and announced, the status unchanged.
            audit.record(s, action="user.freeze", outcome=audit.DENIED, actor=caller,
                         actor_username=None if caller else "system",
                         target_type="user", target_id=user.id, origin=origin,
                         status_code=9,  # FAILED_PRECONDITION
                         detail={"reason": reason, "automatic": True,
                                 "withheld": "no_other_active_unfreezer"})
            events.user_freeze_withheld(s, user, reason=reason, at=utcnow())
        raise errors.freeze_withheld()  # after the commit: the alert is kept

    def unfreeze(self, caller: Caller | None, user_id: str, *, reason: str,
                 origin: audit.Origin = audit.Origin()) -> StatusChange:
        freeze_rules.check_can_unfreeze(caller)
        check_text(reason, "reason", multiline=True)
        with self.db.session() as s:
            user = self._load(s, user_id)
            if not freeze_rules.transition(user.status, freeze_rules.ACTIVE):
                return StatusChange(user, False)
            audit.record(s, action="user.unfreeze", outcome=audit.ALLOWED, actor=caller,
                         target_type="user", target_id=user.id, origin=origin,
                         detail={"note": reason})
            _activate(s, user, unfrozen_by=caller.user_id, note=reason)
            self._tell_deny_list(s, "user_unfrozen", user.id)
            return StatusChange(user, True)

    def mark_left(self, caller: Caller | None, user_id: str, successor_user_id: str,
                  origin: audit.Origin = audit.Origin()) -> User:
        freeze_rules.check_can_mark_left(caller, user_id)
        with self.db.session() as s:
            user = self._load(s, user_id)
            if user.status == freeze_rules.LEFT:
                return user  # idempotent: the handover was already triggered
            if successor_user_id:
                successor = self._load(s, successor_user_id)
                if successor.id == user.id or successor.status != freeze_rules.ACTIVE:
                    raise kit_errors.FailedPrecondition(
                        "successor must be another active user", reason="user.bad_successor",
                        message_zh="交接人须为其他在职用户")
            user.status = freeze_rules.LEFT
            user.left_at = utcnow()
            user.successor_user_id = successor_user_id or None
            self.auth.revoke_all_sessions(s, user.id, "user.left")
            audit.record(s, action="user.left", outcome=audit.ALLOWED, actor=caller,
                         target_type="user", target_id=user.id, origin=origin,
                         detail={"successor_user_id": user.successor_user_id})
            events.user_left(s, user)
            self._tell_deny_list(s, "user_left", user.id)
            return user

    # -- service accounts and org units -------------------------------------------------
    def create_service_account(self, caller: Caller | None, name: str, org_unit_id: str,
                               origin: audit.Origin = audit.Origin()) -> tuple[User, str, str]:
        if caller is not None and not caller.can(roles.USER_ADMIN):
            raise errors.denied("user.admin right required", "需要用户管理权限")
        try:
            username = normalise_username(name)
        except FieldError as exc:
            raise errors.invalid("name", str(exc), exc.message_zh) from None
        client_id = "bi_" + secrets.token_hex(8)
        client_secret = "bs_" + secrets.token_urlsafe(32)
        with self.db.session() as s:
            if s.scalar(select(User.id).where(User.username == username)):
                raise kit_errors.AlreadyExists("name taken", reason="user.username_taken",
                                               message_zh="名称已被占用")
            if not org_unit_id or s.get(OrgUnit, org_unit_id) is None:
                raise errors.org_unit_not_found()
            placement = org.placement(s, org_unit_id)
            user = User(username=username, display_name=name, roles=[roles.BRANCH_INTEGRATION],
                        org_unit_id=placement.org_unit_id, department_id=placement.department_id,
                        region_id=placement.region_id, service_account=True, status="active",
                        client_id=client_id, client_secret_hash=hash_secret(client_secret))
            s.add(user)
            s.flush()
            audit.record(s, action="service_account.create", outcome=audit.ALLOWED, actor=caller,
                         target_type="user", target_id=user.id, origin=origin)
            events.user_created(s, user)
        return user, client_id, client_secret

    def list_org_units(self) -> list[OrgUnit]:
        with self.db.session() as s:
            return org.list_units(s)

    def create_org_unit(self, caller: Caller | None, *, parent_id: str, kind: str, name: str,
                        code: str, origin: audit.Origin = audit.Origin()) -> OrgUnit:
        if caller is not None and not caller.can(roles.USER_ADMIN):
            raise errors.denied("user.admin right required", "需要用户管理权限")
        if not name.strip():
            raise errors.invalid("name", "required", "名称不能为空")
        with self.db.session() as s:
            parent = s.get(OrgUnit, parent_id) if parent_id else None
            if parent_id and parent is None:
                raise errors.org_unit_not_found()
            if not org.parent_allowed(kind, parent.kind if parent else None):
                raise errors.invalid("kind", f"a {kind} cannot sit under "
                                     f"{parent.kind if parent else 'nothing'}", "组织层级无效")
            if code and s.scalar(select(OrgUnit.id).where(OrgUnit.code == code)):
                raise kit_errors.AlreadyExists("code taken", reason="org_unit.code_taken",
                                               message_zh="组织编码已存在")
            unit = OrgUnit(parent_id=parent.id if parent else None, kind=kind, name=name.strip(),
                           code=code or None)
            s.add(unit)
            s.flush()
            audit.record(s, action="org_unit.create", outcome=audit.ALLOWED, actor=caller,
                         target_type="org_unit", target_id=unit.id, origin=origin)
            return unit



def _activate(s: DbSession, user: User, *, unfrozen_by: str, note: str) -> None:
    user.status = freeze_rules.ACTIVE
    user.frozen_reason = None
    user.frozen_at = None
    events.user_unfrozen(s, user, unfrozen_by=unfrozen_by, at=utcnow(), note=note or "")


def unfreeze_as_operator(db: Database, username: str, operator: Operator, *,
                         reason: str) -> StatusChange:
    """`educrm-admin unfreeze`: the way in when no user is left who could unfreeze (the last
    administrator included). Audited with the operator as the actor."""
    check_text(reason, "reason", multiline=True)
    check_text(username, "username")
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise errors.user_not_found()
        if not freeze_rules.transition(user.status, freeze_rules.ACTIVE):
            return StatusChange(user, False)
        audit.record(s, action="user.unfreeze", outcome=audit.ALLOWED,
                     actor_username=operator.actor, target_type="user", target_id=user.id,
                     origin=audit.Origin(method="educrm-admin unfreeze"),
                     detail={"note": reason, "operator": True, "os_user": operator.os_user,
                             "host": operator.host})
        _activate(s, user, unfrozen_by=operator.actor, note=reason)
        return StatusChange(user, True)
