"""Language selection, day-first dates and locale numbers (Flask-Babel): 1.234,5 in Vietnamese."""

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal
from flask_login import current_user
from jinja2 import Undefined
from sqlalchemy.exc import SQLAlchemyError

babel = Babel()


def select_locale() -> str:
    """The ?lang= choice (remembered in the session), else the user's own, else Vietnamese
    (also for the command line, which has no request)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
    if session.get("lang") in languages:
        return session["lang"]
    try:
        own = getattr(current_user, "locale", None) if current_user else None
    except SQLAlchemyError:  # the database went away mid-request: answer all the same
        own = None
    return own if own in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def day_first(value: date | datetime | None) -> str:
    """dd/mm/yyyy (and the time in the local zone for timestamps): never month first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy HH:mm")
    return format_date(value, "dd/MM/yyyy")


def number(value) -> str:
    """A number as the reader's language writes it (Vietnamese: 1.234,5); nothing for a value
    that is missing (a batch that failed before it was counted)."""
    if value is None or value == "" or isinstance(value, Undefined):
        return ""
    return format_decimal(value)


def coordinate(value) -> str:
    """A longitude or latitude to six decimals (10 cm), as the reader's language writes it."""
    return "" if value is None else format_decimal(value, format="0.000000")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["day_first"] = day_first
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["coordinate"] = coordinate
