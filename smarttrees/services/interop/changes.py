"""The change feed for another system: what changed since its cursor, in order, a page at a
time. The database writes the feed (schema/changes.sql); this reads it."""

from collections.abc import Mapping

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.schemas import INVALID_PARAMETERS, Schema, Whole

PAGE = 1000
MOST = 10_000
FEED_SQL = """
SELECT id, entity, entity_id, action, at FROM changes
 WHERE id > :since ORDER BY id LIMIT :limit"""


FEED = Schema(
    "Change feed",
    (
        Whole("since", low=0, high=2**63 - 1, about="The `next` of the page before; 0 at first."),
        Whole("limit", low=1, high=MOST, about=f"Changes per page: {PAGE} unless given."),
    ),
    message=INVALID_PARAMETERS,
)


def parse_feed(raw: Mapping[str, str]) -> tuple[int, int]:
    """The cursor to read after (0: from the start) and the page size, checked."""
    values = FEED.parse(raw)
    return values.get("since") or 0, values.get("limit") or PAGE


def changes_since(since: int, *, limit: int = PAGE) -> dict:
    """A page of changes after `since`; `next` is the cursor to ask with next time (the last
    change's, or `since` again when nothing changed) and `latest` the feed's newest."""
    rows = db.session.execute(text(FEED_SQL), {"since": since, "limit": limit}).mappings().all()
    latest = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM changes"))
    return {
        "changes": [
            {"cursor": r["id"], "entity": r["entity"], "id": r["entity_id"],
             "action": r["action"], "at": r["at"].isoformat()}
            for r in rows
        ],
        "next": rows[-1]["id"] if rows else since,
        "latest": latest,
        "more": bool(rows) and rows[-1]["id"] < latest,
    }  # fmt: skip
