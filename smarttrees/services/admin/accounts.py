"""What an admin does to accounts: invite (a temporary password shown once: a closed network
has no mail; the newcomer must replace it at the first sign-in), change a role, disable (every
session and token of the user stops at once) or enable again, reset a password (temporary too),
remove a user's two-step sign-in (a lost phone and no recovery code left). Each change is in
the audit log under the admin's name."""

import secrets

from smarttrees.errors import Conflict, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import ApiToken, Nursery, Role, User
from smarttrees.services.admin.password_policy import weakness
from smarttrees.services.admin.sign_in import invalidate_sessions
from smarttrees.services.admin.two_step import clear_two_step
from smarttrees.services.admin.users import create_user, set_password
from smarttrees.services.saving import commit_changes


def temporary_password() -> str:
    """12 random characters, within the policy like any other password."""
    while True:
        password = secrets.token_urlsafe(9)
        if weakness(password, email="", name=None) is None:
            return password


def list_accounts() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.active.desc(), User.email)))


def invite(
    *, email: str, name: str, role: str, by: User, nursery: str | None = None
) -> tuple[User, str]:
    """A new account and its temporary password, to hand over in person; a nursery's operator
    is invited with their nursery."""
    chosen, nursery_id = _role(role), None
    if chosen == Role.NURSERY:
        nursery_id = _nursery(nursery)
    password = temporary_password()
    db.session.info["actor_id"] = by.id  # the audit log names the admin who invited
    user = create_user(email=email, name=name, password=password, role=chosen, temporary=True)
    if nursery_id:
        user.nursery_id = nursery_id
        commit_changes(actor=by)
    return user, password


def change_account(
    user_id: int, *, action: str, role: str | None, by: User, nursery: str | None = None
) -> str | None:
    """Apply an admin's action to an account; the new temporary password for a reset."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.", details={"user": user_id})
    if user.id == by.id and action in ("disable", "role"):
        raise Conflict("An admin cannot disable or demote themselves; ask another admin.")
    # The audit log names the admin for rows flushed before the commit too (the statements
    # below on tokens and recovery codes flush the user's row first).
    db.session.info["actor_id"] = by.id
    password = None
    if action == "role":
        user.role = _role(role)
        user.nursery_id = _nursery(nursery) if user.role == Role.NURSERY else None
    elif action == "disable":
        user.active = False
        invalidate_sessions(user)  # signed out everywhere
        db.session.execute(
            db.update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=db.func.now())
        )
    elif action == "enable":
        user.active = True
    elif action == "reset":
        password = temporary_password()
        set_password(user, password, field="password", temporary=True)
        invalidate_sessions(user)
    elif action == "two_step_off":
        clear_two_step(user)
    else:
        raise ValidationFailed("Some fields are not valid.", details={"action": "Unknown action."})
    commit_changes(actor=by)
    return password


def _role(value: str | None) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed(
            "Some fields are not valid.", details={"role": "Choose a role of the list."}
        ) from None


def _nursery(value: str | None) -> int:
    """The nursery a nursery's operator works for: required, and one that exists."""
    try:
        nursery = db.session.get(Nursery, int(value or ""))
    except ValueError:
        nursery = None
    if nursery is None:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"nursery": "Choose the nursery this person works for."},
        )
    return nursery.id
