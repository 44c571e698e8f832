"""One place that turns errors into responses: the JSON error shape for the API, pages for people.

API errors always look like {"error": {"code": ..., "message": ..., "details": ...}}.
"""

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from smarttrees.errors import DomainError

HTTP_CODES = {
    304: "not_modified",
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_failed",
    429: "too_many_requests",
    503: "database_away",
    500: "server_error",
}


MESSAGES = {
    400: "The request is not valid.",
    401: "Sign in first.",
    403: "You do not have permission to do this.",
    404: "Nothing was found at this address.",
    405: "This method is not allowed here.",
    413: "The upload is too large.",
    500: "Something went wrong on the server; nothing was saved.",
}
CSRF_MESSAGE = "The form has expired or was sent twice; reload the page and try again."
# A program writing with a session cookie: it names what is missing.
API_CSRF_MESSAGE = (
    "A write with a session cookie needs the X-CSRFToken header; other programs send "
    "Authorization: Bearer and a token."
)


def wants_json() -> bool:
    if request.path.startswith("/ogcapi"):  # OGC clients, unless a person asked for HTML
        return request.args.get("f", "json").lower() != "html"
    return request.path.startswith(("/api/", "/tiles/"))


def translate_details(details):
    """Translate field messages (msgids) in a details mapping; leave other values as they are."""
    if isinstance(details, dict):
        return {
            key: translate_message(value) if isinstance(value, str) else value
            for key, value in details.items()
        }
    return details


def translate_message(text: str) -> str:
    """A msgid, or a msgid ending in a colon followed by what it names ("…: P0001, P0002").
    Empty text stays empty (gettext("") is the catalogue's header)."""
    if not text.strip():
        return text
    translated = gettext(text)
    if translated == text and ": " in text:
        head, tail = text.split(": ", 1)
        lead = gettext(f"{head}:")
        if lead != f"{head}:":
            return f"{lead} {tail}"
    return translated


def error_response(*, status: int, code: str, message: str, details=None):
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        return jsonify(body), status
    from smarttrees import field_names

    page = render_template(
        "error.html", status=status, message=message, details=details, names=field_names
    )
    return page, status


def _domain_error(error: DomainError):
    message = gettext(error.message, **error.params)
    return error_response(
        status=error.status,
        code=error.code,
        message=message,
        details=translate_details(error.details),
    )


def _http_error(error: HTTPException):
    status = error.code or 500
    message = MESSAGES.get(status, error.name)
    if isinstance(error, CSRFError):
        message = API_CSRF_MESSAGE if request.path.startswith("/api/") else CSRF_MESSAGE
    details = None
    if status == 413:  # say what the limit is (SMARTTREES_MAX_UPLOAD_MB)
        details = {"limit_mb": (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 2**20}
    return error_response(
        status=status,
        code=HTTP_CODES.get(status, "http_error"),
        message=gettext(message),
        details=details,
    )


DATABASE_AWAY = "The database is not answering (it may be restarting); try again in a moment."


def _database_away(error: OperationalError):
    """The database went away mid-request (a restart, a lost connection): the transaction is
    rolled back, so nothing was half-saved; the client may simply try again."""
    from smarttrees.extensions import db

    db.session.rollback()
    current_app.logger.warning("database away: %s", error.orig)
    return error_response(status=503, code="database_away", message=gettext(DATABASE_AWAY))


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_away)
