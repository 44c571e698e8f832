"""Two-step sign-in, for admins and anyone who wants it: after the password, a six-digit code
that an authenticator app computes from a shared secret and the time (TOTP, RFC 6238, by pyotp);
ten one-time recovery codes, shown once and stored as digests, stand in for a lost phone. The
user turns it on with a first code from the app and off with their password; an admin may
remove another user's (the audit log records who)."""

import hashlib
import hmac
import secrets
import time

import pyotp
from sqlalchemy import delete, func, select, update

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import RecoveryCode, User
from smarttrees.services.admin.users import authenticate
from smarttrees.services.saving import commit_changes

ISSUER = "SmartTrees"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read off paper


def N_(message: str) -> str:  # a message the page translates, marked for pybabel extract
    return message


WRONG_CODE = N_("This code is not right: type the six digits the app shows now.")
WRONG_PASSWORD = N_("The password is not right.")


def new_two_step_secret() -> str:
    """A fresh shared secret (160 bits, base32), not yet the user's."""
    return pyotp.random_base32()


def two_step_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def turn_on_two_step(user: User, *, secret: str, code: str) -> list[str]:
    """Turn two-step sign-in on once a first code from the app matches the secret; returns the
    recovery codes, in plain text this once."""
    step = _matching_step(secret, _six_digits(code), after=None)
    if step is None:
        raise ValidationFailed("Some fields are not valid.", details={"code": WRONG_CODE})
    db.session.info["actor_id"] = user.id  # statements below flush the user's row early
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.totp_secret, user.totp_last_step = secret, step
    user.totp_enabled_at = db.session.scalar(select(func.now()))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    commit_changes(actor=user)
    return codes


def turn_off_two_step(user: User, *, password: str) -> None:
    """The user turns their own second step off, with their password."""
    if authenticate(user.email, password) is None:
        raise ValidationFailed("Some fields are not valid.", details={"password": WRONG_PASSWORD})
    db.session.info["actor_id"] = user.id
    clear_two_step(user)
    commit_changes(actor=user)


def clear_two_step(user: User) -> None:
    """Remove the second step and its recovery codes (committed by the caller)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None


def accept_code(user: User, code: str) -> bool:
    """Whether `code` is the user's current code (never one accepted before: a code seen over a
    shoulder cannot be replayed) or one of their unused recovery codes, which it spends. Not
    committed: the caller records the attempt."""
    digits = _six_digits(code)
    if digits:
        step = _matching_step(user.totp_secret, digits, after=user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
        return step is not None
    plain = "".join(ch for ch in (code or "").lower() if ch.isascii() and ch.isalnum())
    if len(plain) != 16:
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(plain),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=func.now())
        .returning(RecoveryCode.id)
    ).first()
    return spent is not None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _matching_step(secret: str | None, code: str, *, after: int | None) -> int | None:
    """The time step whose code is `code`, this one or a neighbour (a phone's clock may be a
    little off), later than `after`; None when none is."""
    if not (secret and code):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _six_digits(code: str) -> str:
    digits = (code or "").replace(" ", "")
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else ""


def _recovery_code() -> str:
    """16 characters (80 bits) in groups of four: xxxx-xxxx-xxxx-xxxx."""
    plain = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(plain[i : i + 4] for i in range(0, 16, 4))


def _digest(code: str) -> str:
    plain = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()
