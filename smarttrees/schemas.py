"""What a door accepts, declared once: each schema parses a request's values (through `Fields`,
collecting an error per field) and describes the same rules as JSON Schema, from which the API's
OpenAPI document is made. A rule lives here or in `measures`, never twice.

A field's description is English, for the API's readers; messages stay untranslated msgids.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smarttrees.errors import ValidationFailed
from smarttrees.inputs import Fields
from smarttrees.measures import FIELD_RANGES

DECIMAL_TEXT = r"^\s*-?[0-9]+([.,][0-9]+)?\s*$"  # "12,5" as a Vietnamese form writes it
WHOLE_TEXT = r"^\s*-?[0-9]+\s*$"
INVALID_FIELDS = "Some fields are not valid."
INVALID_PARAMETERS = "Some parameters are not valid."


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    about: str = ""

    def read(self, fields: Fields) -> None:
        raise NotImplementedError

    def value_schema(self) -> dict:
        """The value in a JSON body (where numbers may also come as text, as forms send them)."""
        raise NotImplementedError

    def query_schema(self) -> dict:
        """The value as a query parameter: typed, since every parameter is text anyway."""
        schema = self.value_schema()
        return schema["anyOf"][0] if "anyOf" in schema else schema

    def body_schema(self) -> dict:
        """The value in a JSON body, or null for 'no value' when it is not required."""
        schema = self.value_schema()
        return schema if self.required else {"anyOf": [schema, {"type": "null"}]}

    def described(self, schema: dict) -> dict:
        return {**schema, "description": self.about} if self.about else schema

    def body_properties(self) -> dict[str, dict]:
        """Its values in a JSON body, by name."""
        return {self.name: self.described(self.body_schema())}

    def query_properties(self) -> dict[str, dict]:
        """Its values as query parameters, by name."""
        return {self.name: self.query_schema()}


@dataclass(frozen=True)
class Text(Field):
    max_length: int = 2000

    def read(self, fields: Fields) -> None:
        fields.text(self.name, max_length=self.max_length, required=self.required)

    def value_schema(self) -> dict:
        schema = {"type": "string", "maxLength": self.max_length}
        return {**schema, "pattern": r"\S"} if self.required else schema


@dataclass(frozen=True)
class Number(Field):
    """A finite decimal within the field's range (`measures.FIELD_RANGES`)."""

    places: int | None = None

    def read(self, fields: Fields) -> None:
        fields.number(self.name, required=self.required, places=self.places)

    def value_schema(self) -> dict:
        number: dict[str, Any] = {"type": "number"}
        if self.name in FIELD_RANGES:
            low, high, _ = FIELD_RANGES[self.name]
            number |= {"exclusiveMinimum": low, "maximum": high}
        return {"anyOf": [number, {"type": "string", "pattern": DECIMAL_TEXT}]}


@dataclass(frozen=True)
class Whole(Field):
    """A whole number in ASCII digits, within [low, high]."""

    low: int | None = None
    high: int | None = None

    def read(self, fields: Fields) -> None:
        fields.integer(self.name, required=self.required, low=self.low, high=self.high)

    def value_schema(self) -> dict:
        number: dict[str, Any] = {"type": "integer"}
        if self.low is not None:
            number["minimum"] = self.low
        if self.high is not None:
            number["maximum"] = self.high
        return {"anyOf": [number, {"type": "string", "pattern": WHOLE_TEXT}]}


@dataclass(frozen=True)
class Choice(Field):
    choices: type[enum.Enum] | None = None

    def read(self, fields: Fields) -> None:
        fields.choice(self.name, self.choices, required=self.required)

    def value_schema(self) -> dict:
        return {"type": "string", "enum": [member.value for member in self.choices]}


@dataclass(frozen=True)
class Day(Field):
    """A day: yyyy-mm-dd or day first (dd/mm/yyyy), from 1900 to today."""

    def read(self, fields: Fields) -> None:
        fields.day(self.name, required=self.required)

    def value_schema(self) -> dict:
        return {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": r"^\s*[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}\s*$"},
            ]
        }


@dataclass(frozen=True)
class Moment(Field):
    """An ISO 8601 time, UTC when it names no zone, from 1900 to a few minutes from now."""

    def read(self, fields: Fields) -> None:
        fields.moment(self.name)

    def value_schema(self) -> dict:
        return {"type": "string", "format": "date-time"}


@dataclass(frozen=True)
class Flag(Field):
    def read(self, fields: Fields) -> None:
        fields.flag(self.name)

    def value_schema(self) -> dict:
        return {"anyOf": [{"type": "boolean"}, {"type": "string", "maxLength": 5}]}


@dataclass(frozen=True)
class Location(Field):
    """A point as `lon` and `lat` (WGS 84); errors are named "location"."""

    name: str = "location"

    def read(self, fields: Fields) -> None:
        fields.location(required=self.required)

    def body_properties(self) -> dict[str, dict]:
        def degrees(limit: int) -> dict:
            number = {"type": "number", "minimum": -limit, "maximum": limit}
            return {"anyOf": [number, {"type": "string", "pattern": DECIMAL_TEXT}]}

        return {"lon": degrees(180), "lat": degrees(90)}

    def query_properties(self) -> dict[str, dict]:
        return {name: schema["anyOf"][0] for name, schema in self.body_properties().items()}


@dataclass(frozen=True)
class BoundingBox(Field):
    """west,south,east,north in degrees (WGS 84), as OGC API and most clients write a bbox."""

    name: str = "bbox"

    def read(self, fields: Fields) -> None:
        text = str(fields.raw.get(self.name) or "").strip()
        if not text:
            return
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            west = south = east = north = float("nan")
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            fields.errors[self.name] = "Use bbox=west,south,east,north."
            return
        fields.values[self.name] = (west, south, east, north)

    def value_schema(self) -> dict:
        number = r"-?[0-9]+(\.[0-9]+)?"
        return {"type": "string", "pattern": rf"^{number}(,{number}){{3}}$"}


@dataclass(frozen=True)
class Schema:
    """The fields a door reads, in order; `parse` refuses the request naming every wrong one."""

    title: str
    fields: tuple[Field, ...]
    about: str = ""
    message: str = INVALID_FIELDS

    def read(self, raw: Mapping[str, Any]) -> Fields:
        """Every field parsed; errors kept for the caller's own rules to add to."""
        fields = Fields(raw)
        for spec in self.fields:
            spec.read(fields)
        return fields

    def parse(self, raw: Mapping[str, Any]) -> dict:
        fields = self.read(raw)
        if fields.errors:
            raise ValidationFailed(self.message, details=fields.errors)
        return fields.values

    def json_schema(self) -> dict:
        """The body this schema reads, as JSON Schema (2020-12, as OpenAPI 3.1 uses)."""
        properties: dict[str, Any] = {}
        for spec in self.fields:
            properties |= spec.body_properties()
        required = [
            name for spec in self.fields if spec.required for name in spec.body_properties()
        ]
        schema = {"title": self.title, "type": "object", "properties": properties}
        if self.about:
            schema["description"] = self.about
        return schema | ({"required": required} if required else {})

    def parameters(self) -> list[dict]:
        """The query parameters this schema reads, as OpenAPI parameter objects."""
        return [
            _parameter(name, schema, required=spec.required, about=spec.about)
            for spec in self.fields
            for name, schema in spec.query_properties().items()
        ]


def _parameter(name: str, schema: dict, *, required: bool, about: str) -> dict:
    parameter = {"name": name, "in": "query", "required": required, "schema": schema}
    return parameter | ({"description": about} if about else {})
