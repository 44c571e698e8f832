"""Query-string parameters of the API, each refused with a message naming it."""

from flask import request

from smarttrees.errors import ValidationFailed
from smarttrees.inputs import is_whole


def whole_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not is_whole(value):
        raise ValidationFailed(
            "Some parameters are not valid.", details={name: "Enter a whole number."}
        )
    return int(value)


def enum_arg(name: str, enum_type):
    value = request.args.get(name, "").strip().lower()
    if not value:
        return None
    try:
        return enum_type(value)
    except ValueError:
        raise ValidationFailed(
            "Some parameters are not valid.", details={name: "Choose one of the listed values."}
        ) from None


def json_body() -> dict:
    """The request's JSON object; anything else is refused naming the body."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object.", details={"body": "Send a JSON object."})
    return body
