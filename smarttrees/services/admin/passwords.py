"""A user's own password: changed with the current one, through the policy; every other
session of the user ends, as at signing out, and a temporary password is replaced for good."""

from smarttrees.errors import ValidationFailed
from smarttrees.models import User
from smarttrees.services.admin.password_policy import weakness
from smarttrees.services.admin.sign_in import invalidate_sessions
from smarttrees.services.admin.users import authenticate, hash_password
from smarttrees.services.saving import commit_changes


def N_(message: str) -> str:  # a message the page translates, marked for pybabel extract
    return message


WRONG_CURRENT = N_("The current password is not right.")
SAME_AS_BEFORE = N_("The new password must differ from the current one.")
TWO_DIFFER = N_("The two new passwords differ.")


def change_password(user: User, *, current: str, new: str, again: str) -> None:
    """Replace the user's password; each problem is named beside its field (current_password,
    new_password, new_password_again). The caller signs this browser in again."""
    errors = {}
    if authenticate(user.email, current) is None:
        errors["current_password"] = WRONG_CURRENT
    if problem := weakness(new, email=user.email, name=user.name):
        errors["new_password"] = problem
    elif new == current:
        errors["new_password"] = SAME_AS_BEFORE
    if new != again:
        errors["new_password_again"] = TWO_DIFFER
    if errors:
        raise ValidationFailed("Some fields are not valid.", details=errors)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    invalidate_sessions(user)
    commit_changes(actor=user)
