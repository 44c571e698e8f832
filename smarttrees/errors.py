"""Domain errors: a stable code, a safe message for the user, and details naming the fields."""

from typing import Any


class DomainError(Exception):
    """A rule was broken; `code` is stable, `message` is safe to show, `details` names fields."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        params: dict | None = None,
    ) -> None:
        # message and details are untranslated msgids; the web and API layers translate them.
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details if details is not None else {}
        self.params = params or {}


class ValidationFailed(DomainError):
    """One or more fields are wrong; details maps field name to message."""

    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class OutsideAssignedCommunes(Forbidden):
    """A field user assigned to communes worked outside them; the message names the commune."""

    code = "outside_assigned_communes"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class StorageFull(DomainError):
    """The server could not write a file (its disk is full, or the folder is not writable)."""

    status = 507
    code = "storage_full"
