"""The communes and wards as an admin keeps them: each with its area, its trees and the field users
assigned to it; a name corrected; the communes a field user is assigned to (none: everywhere; the
rule itself is inventory.assigned_communes). The audit log keeps every change, by the admin."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.models import AdminLevel, AdminUnit, CommuneTally, Role, User, UserCommune
from smarttrees.services.inventory.catalog import get_commune, list_communes
from smarttrees.services.saving import commit_changes
from smarttrees.vietnamese import fold

NAME_LENGTH = AdminUnit.__table__.c.name.type.length


@dataclass(frozen=True)
class CommuneRow:
    """A commune or ward, its trees and the field users assigned to it."""

    unit: AdminUnit
    trees: int
    field_users: int


def communes_with_uses(q: str | None = None) -> list[CommuneRow]:
    """Every commune and ward (matching a diacritics-free search), with its trees and the
    active field users assigned to it."""
    trees, users = _tree_counts(), _field_user_counts()
    return [CommuneRow(u, trees.get(u.id, 0), users.get(u.id, 0)) for u in list_communes(q)]


def _tree_counts() -> dict[int, int]:
    # From the map's tallies, which the database keeps equal to the trees: a million trees are
    # not counted again for each page.
    query = select(CommuneTally.commune_id, func.sum(CommuneTally.trees)).group_by(
        CommuneTally.commune_id
    )
    return {commune_id: int(number) for commune_id, number in db.session.execute(query)}


def _field_users():
    """Assignments that hold: those of active field users."""
    return (
        select(UserCommune.commune_id, User)
        .join(User, User.id == UserCommune.user_id)
        .where(User.role == Role.FIELD, User.active)
    )


def _field_user_counts() -> dict[int, int]:
    query = _field_users().with_only_columns(UserCommune.commune_id, func.count())
    rows = db.session.execute(query.group_by(UserCommune.commune_id))
    return {commune_id: number for commune_id, number in rows}


def field_users_of(unit: AdminUnit) -> list[User]:
    """The active field users assigned to a commune, by email."""
    query = _field_users().where(UserCommune.commune_id == unit.id).order_by(User.email)
    return [user for _, user in db.session.execute(query)]


def rename_commune(code: str, raw: Mapping[str, Any], *, actor: User) -> AdminUnit:
    """Correct a commune's Vietnamese name (NFC; its search form follows); reloading the
    reference data keeps it. The audit log keeps the old name."""
    unit = get_commune(code)
    fields = Fields(raw)
    fields.text("name", max_length=NAME_LENGTH, required=True)
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    name = " ".join(fields.values["name"].split())
    if name != unit.name:
        unit.name, unit.name_folded, unit.name_corrected_at = name, fold(name), func.now()
        commit_changes(actor=actor)
    return unit


def communes_by_user() -> dict[int, list[AdminUnit]]:
    """Each user's assigned communes, by name (users with none are absent)."""
    query = (
        select(UserCommune.user_id, AdminUnit)
        .join(AdminUnit, AdminUnit.id == UserCommune.commune_id)
        .order_by(AdminUnit.name_folded)
    )
    assigned: dict[int, list[AdminUnit]] = defaultdict(list)
    for user_id, unit in db.session.execute(query):
        assigned[user_id].append(unit)
    return dict(assigned)


def get_account(user_id: int) -> User:
    """An account, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.", details={"user": user_id})
    return user


def assign_communes(user_id: int, codes: Iterable[str], *, by: User) -> User:
    """Hold a field user to these communes (none: the user works everywhere again); the audit
    log keeps each assignment made and ended."""
    user = get_account(user_id)
    if user.role != Role.FIELD:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"communes": "Only field staff are assigned to communes."},
        )
    wanted = _commune_ids(codes)
    held = {
        row.commune_id: row
        for row in db.session.scalars(select(UserCommune).where(UserCommune.user_id == user.id))
    }
    for commune_id in wanted - held.keys():
        db.session.add(UserCommune(user_id=user.id, commune_id=commune_id))
    for commune_id in held.keys() - wanted:
        db.session.delete(held[commune_id])
    commit_changes(actor=by)
    return user


def _commune_ids(codes: Iterable[str]) -> set[int]:
    codes = {str(code) for code in codes}
    rows = db.session.execute(
        select(AdminUnit.code, AdminUnit.id).where(
            AdminUnit.code.in_(codes), AdminUnit.level != AdminLevel.PROVINCE
        )
    )
    found = {code: commune_id for code, commune_id in rows}
    if found.keys() != codes:
        raise ValidationFailed(
            "Some fields are not valid.", details={"communes": "Choose communes of the list."}
        )
    return set(found.values())
