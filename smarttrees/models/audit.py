"""The audit log: every create, update and delete of an audited model, with before/after.

Rows are written by a session hook at flush time, so no service can forget to log a change.
The acting user comes from `session.info["actor_id"]`, which services set.
"""

import datetime as dt
import decimal
import enum
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, event, func, insert, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from smarttrees.extensions import db

AUDITED_TABLES = {
    "trees",
    "inspections",
    "stands",
    "species",
    "nurseries",
    "seedling_lots",
    "lot_events",
    "product_batches",
    "harvests",
    "shipments",
    "users",
    "api_tokens",
    "admin_units",
    "user_communes",
}
# Columns whose values stay out of the log.
UNLOGGED = {
    "geom",
    "password_hash",
    "token_hash",
    "totp_secret",
    "totp_last_step",
    "created_at",
    "updated_at",
    "last_used_at",
    "name_corrected_at",  # the time of the entry that corrected the name
}


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(10))  # create | update | delete
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _values(obj: Any, *, which: str) -> dict:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        if attr.key in UNLOGGED:
            continue
        history = state.attrs[attr.key].history
        if which == "before":
            old = history.deleted or history.unchanged
            values[attr.key] = _plain(old[0]) if old else None
        else:
            values[attr.key] = _plain(getattr(obj, attr.key))
    return values


def _changes(obj: Any) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if attr.key in UNLOGGED or not history.has_changes():
            continue
        before[attr.key] = _plain(history.deleted[0]) if history.deleted else None
        after[attr.key] = _plain(history.added[0]) if history.added else None
    return before, after


def _entries(session: Session) -> list[dict]:
    entries = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if getattr(obj, "__tablename__", None) not in AUDITED_TABLES:
                continue
            if action == "create":
                before, after = None, _values(obj, which="after")
            elif action == "delete":
                before, after = _values(obj, which="before"), None
            else:
                before, after = _changes(obj)
                if not after:
                    continue
            entries.append(
                {
                    "action": action,
                    "entity": obj.__tablename__,
                    "entity_id": str(inspect(obj).mapper.primary_key_from_instance(obj)[0]),
                    "before": before,
                    "after": after,
                }
            )
    return entries


@event.listens_for(Session, "after_flush")
def _write_audit_log(session: Session, _context: Any) -> None:
    entries = _entries(session)
    if entries:
        actor_id = session.info.get("actor_id")
        rows = [dict(entry, actor_id=actor_id) for entry in entries]
        session.connection().execute(insert(AuditLog.__table__), rows)
