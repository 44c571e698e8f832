"""Users, their roles, API tokens and the second step of signing in."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, enum_column


class Role(enum.Enum):
    """Roles in increasing power: each may do everything the ones before it may."""

    VIEWER = "viewer"
    NURSERY = "nursery"  # a nursery's operators: their own nursery's lots, and what viewers see
    FIELD = "field"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: "Role") -> bool:
        return self.rank >= needed.rank


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, "user_role", default=Role.VIEWER)
    locale: Mapped[str | None] = mapped_column(String(5))
    nursery_id: Mapped[int | None] = mapped_column(ForeignKey("nurseries.id"))  # nursery role
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_at: Mapped[datetime] = created_at()
    # Raised when the user signs out (or is disabled): every session and "remember me" cookie
    # issued before names an older version and is refused.
    session_version: Mapped[int] = mapped_column(server_default="1", default=1)
    # A temporary password (an admin's invite or reset) must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, server_default="false", default=False
    )
    # Two-step sign-in (TOTP, RFC 6238): the shared secret, when it was turned on (logged, so the
    # audit shows it turned off), and the time step of the last code accepted (never twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    # What the sign-in layer (Flask-Login) asks of a user, without the model importing it.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def can(self, needed: Role) -> bool:
        return self.active and self.role.allows(needed)

    @property
    def two_step(self) -> bool:
        """Signing in asks for a code after the password."""
        return self.totp_secret is not None


class UserCommune(db.Model):
    """A commune a field user is assigned to. A field user with assignments records trees and
    inspections in those communes only; one with none, everywhere."""

    __tablename__ = "user_communes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("admin_units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ApiToken(db.Model):
    """A bearer token for non-browser clients; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user = relationship("User")


class RecoveryCode(db.Model):
    """A one-time code that stands in for a two-step sign-in code when the phone is lost; only
    its SHA-256 is stored (80 random bits: no guessing back from the digest)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(db.Model):
    """A sign-in tried with a password or a two-step code, kept to slow down guessing: too many
    failures lock the account, or the address they come from, for a while."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        db.Index("ix_login_attempts_email_at", "email", "at"),
        db.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
