"""Each API operation describes itself beside its route: what it answers, and which schema
reads its query string or body (the very object that validates them). The OpenAPI document is
made from these (`openapi.document`); an undescribed route under /api/v1 is an error there."""

from collections.abc import Callable
from dataclasses import dataclass, field

from smarttrees.schemas import Schema

JSON = "application/json"


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    answers: dict[int, dict]  # status → the answer's JSON Schema
    query: Schema | None = None
    body: Schema | dict | None = None  # a Schema, or a JSON Schema it is built from
    forms: dict | None = None  # a multipart/form-data body's JSON Schema, when one is taken
    path: dict[str, str] = field(default_factory=dict)  # path parameter → what it is
    refusals: tuple[int, ...] = ()  # statuses beyond those any operation may answer
    media: str = JSON
    about: str = ""


def described(summary: str, *, tag: str, answers: dict[int, dict], **more) -> Callable:
    """Put under the route's decorators (above the view): the role decorators keep it."""

    def mark(view: Callable) -> Callable:
        about = " ".join((view.__doc__ or "").split())  # one line: it is a msgid too
        view.operation = Operation(summary, tag, answers, about=about, **more)
        return view

    return mark
