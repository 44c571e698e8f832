"""Signing in with a password, and a code for those with two-step sign-in, slowed for guessers:
five failures (wrong passwords and wrong codes alike) on an account within a quarter of an hour
lock it for a quarter of an hour, twenty from one address lock the address; every attempt is
recorded. Signing out ends every session of the user, "remember me" too."""

from datetime import timedelta

from sqlalchemy import func, select

from smarttrees.errors import DomainError
from smarttrees.extensions import db
from smarttrees.models import LoginAttempt, User
from smarttrees.services.admin.two_step import accept_code
from smarttrees.services.admin.users import authenticate, get_user

WINDOW = timedelta(minutes=15)
SECOND_STEP = timedelta(minutes=5)  # between a right password and its code
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_sign_in_attempts"

    def __init__(self, message: str, *, wait_minutes: int) -> None:
        super().__init__(message, details={"wait_minutes": wait_minutes})
        self.wait_minutes = wait_minutes


def sign_in(email: str, password: str, address: str) -> User | None:
    """The user whose email and password match, else None; refused (TooManyAttempts, with
    the minutes to wait) while the account or the address is locked, right password or not.

    A user with two-step sign-in is not signed in yet (`user.two_step`): their attempt is
    recorded by sign_in_code, so a right password does not wipe the wrong codes from the count."""
    email = (email or "").strip().lower()[:254]
    address = (address or "unknown")[:64]
    _refuse_while_locked(email, address)
    user = authenticate(email, password)
    if user is None or not user.two_step:
        _record(email, address, succeeded=user is not None)
    return user


def sign_in_code(user_id: int, *, version: int, code: str, address: str) -> User | None:
    """The second step: the user whose password was right, when `code` is their current code
    or an unused recovery code, else None. Refused like a password while the account or the
    address is locked; a wrong code counts as a failed sign-in. `version` is the session
    version at the first step: signing out everywhere in between voids it."""
    user = get_user(user_id)
    if user is None or not user.active or not user.two_step or user.session_version != version:
        return None
    address = (address or "unknown")[:64]
    _refuse_while_locked(user.email, address)
    accepted = accept_code(user, code)
    _record(user.email, address, succeeded=accepted)
    return user if accepted else None


def _record(email: str, address: str, *, succeeded: bool) -> None:
    db.session.add(LoginAttempt(email=email, address=address, succeeded=succeeded))
    db.session.commit()


def end_sessions(user: User) -> None:
    """Every session and "remember me" cookie of the user stops working."""
    invalidate_sessions(user)
    db.session.commit()


def invalidate_sessions(user: User) -> None:
    """Raise the user's session version (committed by the caller): cookies issued before it
    name an older one and are refused."""
    user.session_version = (user.session_version or 1) + 1


def _refuse_while_locked(email: str, address: str) -> None:
    for column, value, limit, whose in (
        (LoginAttempt.email, email, ACCOUNT_FAILURES, "this account"),
        (LoginAttempt.address, address, ADDRESS_FAILURES, "this address"),
    ):
        failures, last = _failures(column, value)
        if failures >= limit:
            wait = max(1, -(-int((last + WINDOW - _now()).total_seconds()) // 60))
            raise TooManyAttempts(
                f"Too many failed sign-ins for {whose}: try again in {wait} minutes.",
                wait_minutes=wait,
            )


def _failures(column, value):
    """Failures since the last success, within the window, and when the last one was."""
    since = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.succeeded)
    )
    window_start = _now() - WINDOW
    start = max(window_start, since) if since else window_start
    return db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            column == value, LoginAttempt.at > start, LoginAttempt.succeeded.is_(False)
        )
    ).one()


def _now():
    return db.session.scalar(select(func.now()))
