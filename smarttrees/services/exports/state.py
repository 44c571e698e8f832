"""A background export's state, kept as state.json in its own folder under EXPORT_DIR beside the
file it makes: the file and what is known of it live and go together, with no table to keep in
step with a folder (a file removed by hand, a folder copied to another server)."""

import enum
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from smarttrees.errors import NotFound

STATE = "state.json"
_ID = re.compile(r"^[0-9a-f]{16}$")


class ExportStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # its file removed after EXPORT_KEEP_DAYS


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Export:
    id: str
    format: str
    crs: int
    filters: dict
    filename: str
    created_by: int | None
    status: ExportStatus = ExportStatus.QUEUED
    rows_total: int | None = None
    rows_done: int = 0
    step: str | None = None  # reading, finishing (for the progress bar)
    failure: str | None = None  # why it failed: a message for the user (a msgid)
    job_id: int | None = None
    created_at: str = field(default_factory=now)
    finished_at: str | None = None

    @property
    def running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    def as_dict(self) -> dict:
        return {**asdict(self), "status": self.status.value}


def new_id() -> str:
    """An id nobody can guess (the page of an export is its creator's)."""
    return secrets.token_hex(8)


def not_found(export_id: str) -> NotFound:
    return NotFound("There is no export at this address.", details={"export": export_id})


def folder_of(export_dir: Path, export_id: str) -> Path:
    """The export's folder; an id that is not one of ours names none."""
    if not _ID.match(export_id):
        raise not_found(export_id)
    return export_dir / export_id


def save(export: Export, export_dir: Path) -> None:
    """Write the state whole, then put it in place, so that a reader never sees half of it."""
    folder = folder_of(export_dir, export.id)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{STATE}.{os.getpid()}"
    partial.write_text(json.dumps(export.as_dict(), ensure_ascii=False), encoding="utf-8")
    partial.replace(folder / STATE)


def load(export_dir: Path, export_id: str) -> Export:
    path = folder_of(export_dir, export_id) / STATE
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError) as error:
        raise not_found(export_id) from error
    return Export(**{**values, "status": ExportStatus(values["status"])})


def all_ids(export_dir: Path) -> list[str]:
    if not export_dir.is_dir():
        return []
    return [p.name for p in export_dir.iterdir() if _ID.match(p.name) and (p / STATE).exists()]
