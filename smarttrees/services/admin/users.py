"""Accounts: creation, passwords (argon2, the policy of password_policy) and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from smarttrees.errors import Conflict, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import ApiToken, Role, User
from smarttrees.schemas import Schema, Text
from smarttrees.services.admin.password_policy import check_password, weakness
from smarttrees.vietnamese import nfc

_hasher = PasswordHasher()


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    locale: str = "vi",
    temporary: bool = False,
) -> User:
    """Create an account; the email is its unique login. A temporary password (an admin's
    invite) must be replaced at the first sign-in."""
    email = (email or "").strip().lower()
    errors = {}
    if "@" not in email:
        errors["email"] = "Enter a valid email address."
    if problem := weakness(password, email=email, name=name):
        errors["password"] = problem
    if errors:
        raise ValidationFailed("Some fields are not valid.", details=errors)
    if db.session.scalar(select(User).where(User.email == email)):
        raise Conflict(
            "A user with this email exists already.",
            details={"email": "A user with this email exists already."},
        )
    user = User(email=email, name=nfc(name) or email, role=role, locale=locale)
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user: User, password: str, *, field: str, temporary: bool = False) -> None:
    """Give a user a new password through the policy (not committed); a temporary one (an
    admin's reset) must be replaced at the next sign-in."""
    check_password(password, email=user.email, name=user.name, field=field)
    user.password_hash = hash_password(password)
    user.must_change_password = temporary


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def ensure_user(*, email: str, name: str, password: str, role: Role) -> User:
    """The user with this email, created when missing (for the demo login)."""
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    return user or create_user(email=email, name=name, password=password, role=role)


def authenticate(email: str, password: str) -> User | None:
    """The active user whose email and password match, else None."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password or "")  # spend the same time whether or not the user exists
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound("No user has this email.", details={"email": email})
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_DAYS = 90  # a field tablet's token works this long, unless revoked before
DEVICE = Schema(
    "Device",
    (Text("device", max_length=80, about="A name for the device, shown in its user's tokens."),),
)


def issue_token(user: User, *, name: str, days: int = TOKEN_DAYS) -> str:
    """Create an API token for a user, valid `days`; the plain token is returned once and
    never stored."""
    if not 1 <= days <= 366:
        raise ValidationFailed(
            "Some fields are not valid.", details={"days": "A token lasts 1 to 366 days."}
        )
    token = "st_" + secrets.token_urlsafe(32)
    expires = func.now() + timedelta(days=days)
    db.session.add(
        ApiToken(
            user_id=user.id,
            name=nfc(name) or "token",
            token_hash=_digest(token),
            expires_at=expires,
        )
    )
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user owning a valid token (not revoked, not expired); records when it was
    last used."""
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _digest(token),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > func.now(),
        )
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = func.now()
    db.session.commit()
    return row.user


def list_tokens(viewer: User) -> list[ApiToken]:
    """The tokens a user may see: their own; an admin, everyone's. Newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if viewer.role != Role.ADMIN:
        query = query.where(ApiToken.user_id == viewer.id)
    return list(db.session.scalars(query))


def revoke_token(token_id: int, *, by: User | None) -> ApiToken:
    """Revoke a token: its owner or an admin may (None: the command line, the server's own
    operator); it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    allowed = by is None or (
        token is not None and (token.user_id == by.id or by.role == Role.ADMIN)
    )
    if token is None or not allowed:
        raise NotFound("No such token.", details={"token": token_id})
    if token.revoked_at is None:
        token.revoked_at = func.now()
        db.session.commit()
    return token
