"""The audit log as an admin reads it: every change, who made it and when, what it was before
and after, filtered by what changed, who, which action and when, a page at a time or all of it
as CSV."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import User
from smarttrees.models.audit import AUDITED_TABLES, AuditLog

PAGE = 100
ACTIONS = ("create", "update", "delete", "merge")  # merge: a species merged into another
CSV_HEADER = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after")


@dataclass(frozen=True)
class AuditQuery:
    entity: str | None = None  # a table of AUDITED_TABLES
    entity_id: str | None = None
    action: str | None = None  # create | update | delete | merge
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    before: int | None = None  # keyset: the last id already shown


def _select(query: AuditQuery):
    stmt = select(AuditLog, User.email).outerjoin(User, User.id == AuditLog.actor_id)
    if query.entity in AUDITED_TABLES:
        stmt = stmt.where(AuditLog.entity == query.entity)
    if query.entity_id:
        stmt = stmt.where(AuditLog.entity_id == query.entity_id)
    if query.action in ACTIONS:
        stmt = stmt.where(AuditLog.action == query.action)
    if query.actor_id:
        stmt = stmt.where(AuditLog.actor_id == query.actor_id)
    if query.since:
        stmt = stmt.where(AuditLog.at >= query.since)
    if query.until:
        stmt = stmt.where(AuditLog.at < query.until + timedelta(days=1))
    if query.before:
        stmt = stmt.where(AuditLog.id < query.before)
    return stmt.order_by(AuditLog.id.desc())


def audit_page(query: AuditQuery) -> tuple[list[tuple[AuditLog, str | None]], int | None]:
    """A page of entries, newest first, and the id to continue before (None: the last page)."""
    rows = [tuple(row) for row in db.session.execute(_select(query).limit(PAGE))]
    return rows, (rows[-1][0].id if len(rows) == PAGE else None)


def audit_csv(query: AuditQuery) -> Iterator[str]:
    """Every entry the filters select, as CSV lines (UTF-8 with BOM: Excel reads Vietnamese),
    streamed."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for entry, email in db.session.execute(_select(query).execution_options(yield_per=1000)):
        writer.writerow(
            (
                entry.id,
                entry.at.isoformat(),
                email or "",
                entry.action,
                entry.entity,
                entry.entity_id,
                _json(entry.before),
                _json(entry.after),
            )
        )
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
