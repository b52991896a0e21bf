"""Users, API tokens, console sessions and login rate limiting, in the app database.

Secrets never reach the database: passwords are argon2 hashes, session cookies and API tokens are
random strings of which only the SHA-256 is stored. Every change writes an audit row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ecomops.errors import EcomopsError, InputError
from ecomops.i18n import SUPPORTED
from ecomops.store import recall
from ecomops.store.appdb import ApiToken, LoginAttempt, User, WebSession, audit, utcnow
from ecomops.web.passwords import digest, hash_password, new_secret, verify_password

Role = Literal["admin", "operator", "viewer"]
ROLES: tuple[Role, ...] = get_args(Role)
RANK: dict[str, int] = {"viewer": 0, "operator": 1, "admin": 2}
NAME_RE = re.compile(r"^[\w.@-]{1,80}$")
PASSWORD_MIN = 8
SESSION_DAYS = 7
TOKEN_DAYS = 90
"""Default lifetime of an API token (``[web] token_days``)."""
MAX_TOKEN_DAYS = 3650
LOCKOUT = dt.timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_CLIENT = 20
RECALL_SECONDS = 30.0
"""How long a session's or token's user is answered from memory; every change this process makes
to users or sessions forgets them at once (see ``ecomops.store.recall``)."""


class TooManyAttempts(EcomopsError):
    code = "rate_limited"


class UserNotFound(InputError):
    code = "not_found"


class TokenNotFound(InputError):
    code = "not_found"


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: Role
    language: str
    active: bool = True

    def can(self, role: str) -> bool:
        """At least ``role`` (viewer < operator < admin)."""
        return RANK[self.role] >= RANK[role]


@dataclass(frozen=True)
class TokenInfo:
    """An API token as lists show it (never the token itself: only its hash is kept)."""

    id: int
    user: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at <= now

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "user": self.user, "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat(),
                "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None}


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.name, u.role, u.language, u.active)  # type: ignore[arg-type]


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InputError(f"a password needs at least {PASSWORD_MIN} characters")
    return password


class Accounts:
    def __init__(self, sessions: sessionmaker[Session], default_language: str = "zh_CN",
                 token_days: int = TOKEN_DAYS) -> None:
        self.sessions = sessions
        self.default_language = default_language
        self.token_days = token_days
        self._recall = recall.shared(sessions, RECALL_SECONDS)

    def _changed(self) -> None:
        self._recall.clear()

    def _user(self, session: Session, name: str) -> User:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise UserNotFound(f"there is no user {name!r}", hint="create one with `ecomops user add`")
        return user

    # --- users ------------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str, *, by: str | None = None) -> UserInfo:
        if not NAME_RE.match(name):
            raise InputError("a user name has 1-80 letters, digits or . _ @ -")
        check_role(role)
        hashed = hash_password(check_password(password))
        with self.sessions() as session:
            user = User(name=name, role=role, password_hash=hashed, language=self.default_language)
            session.add(user)
            try:
                session.flush()
            except IntegrityError as exc:
                raise InputError(f"the user {name!r} already exists") from exc
            audit(session, by, "user.add", name=name, role=role)
            session.commit()
            self._changed()
            return _info(user)

    def users(self) -> list[UserInfo]:
        known: list[UserInfo] | None = self._recall.get("users")
        if known is None:
            with self.sessions() as session:
                known = [_info(u) for u in session.scalars(select(User).order_by(User.name))]
            self._recall.put("users", known)
        return list(known)

    def get(self, name: str) -> UserInfo:
        with self.sessions() as session:
            return _info(self._user(session, name))

    def change(
        self, name: str, *, by: str, role: str | None = None, active: bool | None = None,
        password: str | None = None,
    ) -> UserInfo:
        with self.sessions() as session:
            user = self._user(session, name)
            detail: dict[str, Any] = {"name": name}
            if role is not None and role != user.role:
                user.role = check_role(role)
                detail["role"] = role
            if active is not None and active != user.active:
                user.active = active
                detail["active"] = active
            if password:
                user.password_hash = hash_password(check_password(password))
                detail["password"] = "changed"
            if not user.active or "password" in detail:
                # a new password or a deactivation ends every session and revokes every API token
                session.execute(delete(WebSession).where(WebSession.user_id == user.id))
                revoked = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
                if revoked.rowcount:  # type: ignore[attr-defined]
                    detail["tokens_revoked"] = revoked.rowcount  # type: ignore[attr-defined]
            if len(detail) > 1:
                audit(session, by, "user.change", **detail)
            session.commit()
            self._changed()
            return _info(user)

    def set_language(self, user_id: int, language: str) -> None:
        if language not in SUPPORTED:
            raise InputError(f"unknown language {language!r}: use one of {', '.join(SUPPORTED)}")
        with self.sessions() as session:
            user = session.get(User, user_id)
            if user is not None:
                user.language = language
                session.commit()
        self._changed()

    # --- API tokens -------------------------------------------------------------------------------

    def new_token(self, name: str, *, by: str | None = None, days: int | None = None) -> str:
        """A new API token for ``name`` that works ``days`` days (default ``token_days``); shown
        once, only its hash is kept."""
        days = self.token_days if days is None else days
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise InputError(f"a token lasts 1 to {MAX_TOKEN_DAYS} days, not {days}")
        token = new_secret()
        now = utcnow()
        with self.sessions() as session:
            user = self._user(session, name)
            row = ApiToken(user_id=user.id, token_hash=digest(token), created_at=now,
                           expires_at=now + dt.timedelta(days=days))
            session.add(row)
            session.flush()
            audit(session, by, "token.create", name=name, token_id=row.id, days=days)
            session.commit()
        self._changed()
        return token

    def tokens(self, name: str | None = None) -> list[TokenInfo]:
        """The live API tokens (of ``name``, or everyone's), newest first; expired ones too until
        they are revoked, so that a list shows why a script stopped working."""
        with self.sessions() as session:
            query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
            if name is not None:
                query = query.where(User.id == self._user(session, name).id)
            rows = session.execute(query.order_by(ApiToken.id.desc())).all()
            return [TokenInfo(t.id, user, t.created_at, t.expires_at, t.last_used_at) for t, user in rows]

    def revoke_token(self, token_id: int, *, by: str | None, owner: str | None = None) -> TokenInfo:
        """Revoke the token ``token_id`` (only if it belongs to ``owner``, when given)."""
        with self.sessions() as session:
            found = session.execute(select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
                                    .where(ApiToken.id == token_id)).first()
            if found is None or (owner is not None and found[1] != owner):
                raise TokenNotFound(f"there is no API token #{token_id}"
                                    + (f" of {owner!r}" if owner is not None else ""),
                                    hint="`ecomops user tokens NAME` lists them")
            row, user = found
            info = TokenInfo(row.id, user, row.created_at, row.expires_at, row.last_used_at)
            session.delete(row)
            audit(session, by, "token.revoke", name=user, token_id=token_id)
            session.commit()
        self._changed()
        return info

    def revoke_tokens(self, name: str, *, by: str | None) -> int:
        """Revoke every API token of ``name``; how many there were."""
        with self.sessions() as session:
            user = self._user(session, name)
            count = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount  # type: ignore[attr-defined]
            audit(session, by, "token.revoke_all", name=name, count=count)
            session.commit()
        self._changed()
        return int(count)

    def token_user(self, token: str) -> UserInfo | None:
        """The user of a live API token; ``None`` for an unknown, revoked or expired one."""
        key = ("token", digest(token))
        known: tuple[UserInfo, dt.datetime] | None = self._recall.get(key)
        if known is None:
            known = self._token_user(key[1])
            if known is None:  # unknown tokens are asked again: a new one works at once
                return None
            self._recall.put(key, known)
        if known[1] <= utcnow():
            return None
        return known[0]

    def _token_user(self, token_hash: str) -> tuple[UserInfo, dt.datetime] | None:
        with self.sessions() as session:
            row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
            if row is None:
                return None
            user = session.get(User, row.user_id)
            if user is None or not user.active:
                return None
            now = utcnow()
            if row.expires_at <= now:
                return None
            if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
                row.last_used_at = now  # written at most every 5 minutes: reads stay reads
                session.commit()
            return _info(user), row.expires_at

    # --- logins and sessions ----------------------------------------------------------------------

    def authenticate(self, name: str, password: str, client: str) -> UserInfo | None:
        """The user when name and password match; ``TooManyAttempts`` after repeated failures."""
        since = utcnow() - LOCKOUT
        with self.sessions() as session:
            by_name = session.scalar(select(func.count()).select_from(LoginAttempt).where(
                LoginAttempt.name == name[:80], LoginAttempt.at >= since))
            by_client = session.scalar(select(func.count()).select_from(LoginAttempt).where(
                LoginAttempt.client == client[:64], LoginAttempt.at >= since))
            if (by_name or 0) >= MAX_FAILURES_PER_NAME or (by_client or 0) >= MAX_FAILURES_PER_CLIENT:
                raise TooManyAttempts("too many failed logins; try again in 15 minutes")
            user = session.scalar(select(User).where(User.name == name))
            ok = verify_password(password, user.password_hash if user else None)
            if not ok or user is None or not user.active:
                session.add(LoginAttempt(name=name[:80], client=client[:64]))
                session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
                session.commit()
                return None
            session.execute(delete(LoginAttempt).where(LoginAttempt.name == name))
            audit(session, name, "user.login", client=client[:64])
            session.commit()
            return _info(user)

    def start_session(self, user: UserInfo) -> tuple[str, str]:
        """A new console session: (cookie token, CSRF token)."""
        token, csrf = new_secret(), new_secret()
        now = utcnow()
        with self.sessions() as session:
            session.execute(delete(WebSession).where(WebSession.expires_at < now))
            session.add(WebSession(token_hash=digest(token), user_id=user.id, csrf_token=csrf,
                                   expires_at=now + dt.timedelta(days=SESSION_DAYS)))
            session.commit()
        return token, csrf

    def session_user(self, token: str) -> tuple[UserInfo, str] | None:
        """The user and CSRF token of a live session cookie."""
        key = ("session", digest(token))
        known: tuple[UserInfo, str, dt.datetime] | None = self._recall.get(key)
        if known is None:
            with self.sessions() as session:
                row = session.scalar(select(WebSession).where(WebSession.token_hash == key[1]))
                if row is None:
                    return None
                user = session.get(User, row.user_id)
                if user is None or not user.active:
                    return None
                known = (_info(user), row.csrf_token, row.expires_at)
            self._recall.put(key, known)
        if known[2] < utcnow():
            return None
        return known[0], known[1]

    def end_session(self, token: str) -> None:
        with self.sessions() as session:
            session.execute(delete(WebSession).where(WebSession.token_hash == digest(token)))
            session.commit()
        self._changed()
