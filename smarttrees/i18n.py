"""Language selection, day-first dates and locale numbers (Flask-Babel): 1.234,5 in Vietnamese."""

from datetime import date, datetime

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal
from flask_login import current_user
from jinja2 import Undefined
from sqlalchemy.exc import SQLAlchemyError

babel = Babel()


def select_locale() -> str:
    """The ?lang= choice (remembered in the session); for a program (a token, or no sign-in)
    calling the API, the Accept-Language header's; else the user's own, else Vietnamese (also
    for the command line)."""
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
        program = g.get("signed_in_by_token") or not current_user.is_authenticated
    except SQLAlchemyError:  # the database went away mid-request: answer all the same
        own, program = None, True
    if program and request.path.startswith(("/api/", "/ogcapi")) and request.accept_languages:
        # A program says what it reads; a person's pages and the field app follow the person.
        asked = request.accept_languages.best_match(languages)
        if asked:
            return asked
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
