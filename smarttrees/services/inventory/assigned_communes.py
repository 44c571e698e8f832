"""The communes a field user works in. A field user assigned to communes plants trees and records
inspections in those alone; one assigned to none, and every manager and admin, works anywhere.
Every door (the forms, the JSON API, the phone's sync) goes through the tree and inspection
services, which ask here: one rule, one refusal."""

from shapely.geometry import Point
from sqlalchemy import func, select

from smarttrees.errors import OutsideAssignedCommunes
from smarttrees.extensions import db
from smarttrees.models import AdminUnit, Role, User, UserCommune


def N_(message: str) -> str:  # a message the door translates, marked for pybabel extract
    return message


NOT_YOURS = N_("You work only in the communes assigned to you; %(commune)s is not one of them.")
NOWHERE = N_("This place is in none of the communes assigned to you.")
OUTSIDE = N_("Outside the communes assigned to you:")  # the field's message, then the name


def restricted_to(actor: User | None) -> set[int] | None:
    """The ids of the communes the actor is held to; None when the actor works anywhere."""
    if actor is None or actor.role != Role.FIELD:
        return None
    assigned = db.session.scalars(
        select(UserCommune.commune_id).where(UserCommune.user_id == actor.id)
    )
    return set(assigned) or None


def ensure_may_work_in(actor: User | None, commune_id: int | None, *, field: str) -> None:
    """Refuse (403) unless the actor may work in this commune (None: outside every commune)."""
    allowed = restricted_to(actor)
    if allowed is not None and commune_id not in allowed:
        raise _outside(commune_id, field)


def ensure_may_work_at(actor: User | None, point: Point, *, field: str) -> None:
    """Refuse (403) unless the actor may work at this point (longitude, latitude)."""
    allowed = restricted_to(actor)
    if allowed is None:
        return
    here = func.ST_SetSRID(func.ST_MakePoint(point.x, point.y), 4326)
    commune_id = db.session.scalar(select(func.commune_at(here)))
    if commune_id not in allowed:
        raise _outside(commune_id, field)


def _outside(commune_id: int | None, field: str) -> OutsideAssignedCommunes:
    unit = db.session.get(AdminUnit, commune_id) if commune_id is not None else None
    if unit is None:
        return OutsideAssignedCommunes(NOWHERE, details={field: NOWHERE})
    return OutsideAssignedCommunes(
        NOT_YOURS, params={"commune": unit.name}, details={field: f"{OUTSIDE} {unit.name}"}
    )
