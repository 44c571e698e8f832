"""Commit the session's changes as one user's, with the database's refusals as field errors."""

from sqlalchemy.exc import IntegrityError

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import User


def commit_changes(*, actor: User | None) -> None:
    """Commit; the audit log records `actor` (it reads it from the session)."""
    db.session.info["actor_id"] = actor.id if actor else None
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise ValidationFailed(
            "The database refused these values.", details={"form": str(error.orig).split("\n")[0]}
        ) from error
    db.session.commit()
