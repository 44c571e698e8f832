"""What a scanned or typed label code points to, with "did you mean" for a mistyped one."""

from dataclasses import dataclass, field

from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.labels import codes
from smarttrees.models import ProductBatch, SeedlingLot, Tree
from smarttrees.services.custody.harvests import BATCH_PREFIX
from smarttrees.services.custody.lots import LOT_PREFIX


@dataclass
class Scan:
    """The code as read, whether its check character holds, and what it found."""

    code: str
    valid: bool
    record: object | None = None
    suggestions: list[str] = field(default_factory=list)


def _resolve(text: str, model) -> Scan:
    code = codes.normalize(text)
    if not codes.is_valid(code):
        near = codes.near_misses(code)
        found = db.session.scalars(select(model.code).where(model.code.in_(near))) if near else []
        return Scan(code, valid=False, suggestions=sorted(found))
    record = db.session.scalar(select(model).where(model.code == code))
    return Scan(code, valid=True, record=record)


def scan_tree(text: str) -> Scan:
    """The tree behind a tag's code, or the real codes one typo away from it."""
    return _resolve(text, Tree)


def scan_lot(text: str) -> Scan:
    """The seedling lot behind a label's code, or the real codes one typo away from it."""
    scan = _resolve(text, SeedlingLot)
    if scan.valid and not scan.code.startswith(LOT_PREFIX):
        scan.valid = False
    return scan


def scan_batch(text: str) -> Scan:
    """The product batch behind a label's code, or the real codes one typo away from it."""
    scan = _resolve(text, ProductBatch)
    if scan.valid and not scan.code.startswith(BATCH_PREFIX):
        scan.valid = False
    return scan
