"""Authentication: login, refresh-token rotation with reuse detection, logout, service tokens.

A session is one refresh-token family. Each refresh marks the presented token used and issues
a new one in the same family; presenting a used token again means it was stolen (or replayed)
so the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import logging

from kit.caller import Caller
from kit.db import Database
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session as DbSession

from . import audit, errors
from .freeze_rules import FROZEN, LEFT
from .keys import SigningKeys
from .models import RefreshToken, Session, User, utcnow
from .passwords import Passwords
from .principals import principal_of
from .settings import IdentitySettings
from .tokens import access_token_claims, hash_secret, new_refresh_token, sign_access_token
from .validation import USERNAME

log = logging.getLogger(__name__)
# Compared against when a client id is unknown, so unknown and wrong secrets cost the same.
_DUMMY_SECRET_HASH = hash_secret("educrm-no-such-client")


# The per-call check's statements, built once (building and hashing a statement costs more
# CPU than running it): the user's status, and with a session id the session's revocation.
_CALLER_USER = select(User.status).where(User.id == bindparam("user_id"))
_CALLER_USER_SESSION = select(
    User.status, Session.id.label("session_id"), Session.revoked_at,
).outerjoin(Session, Session.id == bindparam("session_id")).where(
    User.id == bindparam("user_id"))


@dataclasses.dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str | None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class AuthService:
    def __init__(self, db: Database, settings: IdentitySettings, keys: SigningKeys,
                 passwords: Passwords) -> None:
        self.db = db
        self.settings = settings
        self.keys = keys
        self.passwords = passwords

    # -- tokens -------------------------------------------------------------------------
    def _access_token(self, user: User, session_id: str | None) -> str:
        claims = access_token_claims(principal_of(user), session_id=session_id,
                                     ttl_seconds=self.settings.access_token_ttl_seconds)
        return sign_access_token(self.keys, claims)

    def _new_refresh(self, s: DbSession, session_id: str) -> str:
        token = new_refresh_token()
        s.add(RefreshToken(session_id=session_id, token_hash=hash_secret(token),
                           expires_at=utcnow() + dt.timedelta(
                               seconds=self.settings.refresh_token_ttl_seconds)))
        return token

    @staticmethod
    def _check_status(user: User) -> None:
        if user.status == FROZEN:
            raise errors.user_frozen()
        if user.status == LEFT:
            raise errors.user_left()

    # -- login --------------------------------------------------------------------------
    def login(self, username: str, password: str, origin: audit.Origin) -> TokenPair:
        name = (username or "").strip().lower()
        failure: Exception | None = None
        with self.db.session() as s:
            user = None
            if USERNAME.match(name):
                user = s.scalar(select(User).where(User.username == name,
                                                   User.service_account.is_(False)))
            # Always run one argon2 verification (dummy hash for unknown users): same error,
            # similar timing.
            ok = self.passwords.verify(user.password_hash if user else None, password or "")
            if not ok or user is None:
                audit.record(s, action="auth.login", outcome=audit.DENIED,
                             actor_user_id=user.id if user else None,
                             actor_username=None, origin=origin, status_code=16,
                             detail={"reason": "auth.invalid_credentials"})
                failure = errors.bad_credentials()
            else:
                try:
                    self._check_status(user)
                except Exception as exc:  # frozen / left: audited, distinct reason
                    audit.record(s, action="auth.login", outcome=audit.DENIED,
                                 actor_user_id=user.id, actor_username=user.username,
                                 origin=origin, status_code=7, detail={"reason": exc.reason})
                    failure = exc
            if failure is None:
                if self.passwords.needs_rehash(user.password_hash):
                    user.password_hash = self.passwords.hash(password)
                session = Session(user_id=user.id, client_address=origin.client_address,
                                  user_agent=(origin.user_agent or "")[:300] or None)
                s.add(session)
                s.flush()
                refresh = self._new_refresh(s, session.id)
                access = self._access_token(user, session.id)
                audit.record(s, action="auth.login", outcome=audit.ALLOWED,
                             actor_user_id=user.id, actor_username=user.username,
                             origin=origin, target_type="session", target_id=session.id)
        if failure is not None:
            raise failure
        return TokenPair(access, refresh, self.settings.access_token_ttl_seconds, session.id)

    # -- refresh ------------------------------------------------------------------------
    def refresh(self, refresh_token: str, origin: audit.Origin) -> TokenPair:
        failure: Exception | None = None
        with self.db.session() as s:
            row = s.scalar(select(RefreshToken).where(
                RefreshToken.token_hash == hash_secret(refresh_token or "")))
            if row is None:
                raise errors.refresh_invalid()
            session = s.get(Session, row.session_id)
            user = s.get(User, session.user_id)
            now = utcnow()
            if session.revoked_at is not None:
                raise errors.session_revoked()
            if row.used_at is None and _aware(row.expires_at) <= now:
                raise errors.refresh_expired()
            self._check_status(user)
            # Claim the token atomically: of two concurrent refreshes exactly one wins; the
            # other is indistinguishable from a replay and revokes the family.
            claimed = s.execute(update(RefreshToken).where(
                RefreshToken.id == row.id, RefreshToken.used_at.is_(None)
            ).values(used_at=now)).rowcount == 1
            if not claimed:
                self._revoke(s, session, "refresh_token.reused")
                audit.record(s, action="auth.refresh_reuse", outcome=audit.DENIED,
                             actor_user_id=user.id, actor_username=user.username,
                             origin=origin, target_type="session", target_id=session.id,
                             status_code=16)
                log.warning("refresh token reuse: session revoked",
                            extra={"user_id": user.id, "session_id": session.id})
                failure = errors.refresh_reused()
            else:
                new_refresh = self._new_refresh(s, session.id)
                access = self._access_token(user, session.id)
        if failure is not None:
            raise failure
        return TokenPair(access, new_refresh, self.settings.access_token_ttl_seconds, session.id)

    # -- logout -------------------------------------------------------------------------
    @staticmethod
    def _revoke(s: DbSession, session: Session, reason: str) -> None:
        if session.revoked_at is None:
            session.revoked_at = utcnow()
            session.revoked_reason = reason

    def logout(self, caller: Caller | None, refresh_token: str, origin: audit.Origin) -> str:
        """Revoke the caller's session and/or the refresh token's family; return a session id."""
        revoked = ""
        with self.db.session() as s:
            if refresh_token:
                row = s.scalar(select(RefreshToken).where(
                    RefreshToken.token_hash == hash_secret(refresh_token)))
                if row is not None:
                    session = s.get(Session, row.session_id)
                    if caller is None or session.user_id == caller.user_id:
                        self._revoke(s, session, "logout")
                        revoked = session.id
            if caller is not None and caller.session_id:
                session = s.get(Session, caller.session_id)
                if session is not None and session.user_id == caller.user_id:
                    self._revoke(s, session, "logout")
                    revoked = session.id
            if not revoked and caller is None:
                raise errors.refresh_invalid()
            audit.record(s, action="auth.logout", outcome=audit.ALLOWED, actor=caller,
                         origin=origin, target_type="session", target_id=revoked or None)
        return revoked

    def revoke_all_sessions(self, s: DbSession, user_id: str, reason: str) -> int:
        sessions = s.scalars(select(Session).where(Session.user_id == user_id,
                                                   Session.revoked_at.is_(None))).all()
        for session in sessions:
            self._revoke(s, session, reason)
        return len(sessions)

    # -- service accounts ---------------------------------------------------------------
    def issue_service_token(self, client_id: str, client_secret: str,
                            origin: audit.Origin) -> TokenPair:
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.client_id == (client_id or ""),
                                               User.service_account.is_(True)))
            stored = user.client_secret_hash if user and user.client_secret_hash else \
                _DUMMY_SECRET_HASH
            ok = hmac.compare_digest(stored, hash_secret(client_secret or "")) and user is not None
            if not ok:
                raise errors.bad_client_credentials()
            self._check_status(user)
            access = self._access_token(user, None)
            audit.record(s, action="auth.service_token", outcome=audit.ALLOWED,
                         actor_user_id=user.id, actor_username=user.username, origin=origin)
        return TokenPair(access, "", self.settings.access_token_ttl_seconds, None)

    # -- per-call check of identity's own API -------------------------------------------
    def check_caller(self, caller: Caller) -> None:
        """A token stays valid for minutes; identity itself honours logout and freeze now.

        Runs on every authenticated call, so it is one prepared statement (the user's status
        and the session's revocation together) outside a transaction."""
        with self.db.read_connection() as connection:
            if caller.session_id:
                row = connection.execute(_CALLER_USER_SESSION, {
                    "user_id": caller.user_id, "session_id": caller.session_id}).first()
            else:
                row = connection.execute(_CALLER_USER, {"user_id": caller.user_id}).first()
        if row is None:
            raise errors.session_revoked()
        self._check_status(row)
        if caller.session_id and (row.session_id is None or row.revoked_at is not None):
            raise errors.session_revoked()
