"""Trees as KML (Google Earth, phones' map apps, QGIS), written as they come: each tree a
placemark named by its code, its values in the document's schema (ExtendedData), which GDAL
and so SmartTrees' importer read back as columns. Written here rather than by GDAL's KML
driver, which names each placemark "trees.N" (an id an importer takes for the tree's) and
writes dates as 2019/02/01."""

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from smarttrees.exporters.columns import COLUMNS, xml_safe

KML_TYPES = {"text": "string", "number": "double", "date": "string"}
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document><name>SmartTrees</name>
<Schema name="trees" id="trees">
{fields}
</Schema>
<Folder><name>trees</name>
"""
TAIL = "</Folder>\n</Document>\n</kml>\n"


def _text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return escape(xml_safe(str(value)))


def placemark(x: float, y: float, values: Sequence) -> str:
    """One tree: its code as the name, its values, its point (longitude, latitude)."""
    data = "".join(
        f"<SimpleData name={quoteattr(column.name)}>{_text(value)}</SimpleData>"
        for column, value in zip(COLUMNS, values, strict=True)
        if value is not None and value != ""
    )
    return (
        f"<Placemark><name>{_text(values[0])}</name>"
        f'<ExtendedData><SchemaData schemaUrl="#trees">{data}</SchemaData></ExtendedData>'
        f"<Point><coordinates>{x!r},{y!r}</coordinates></Point></Placemark>\n"
    )


class KmlWriter:
    """Rows of (longitude, latitude, *COLUMNS values) as placemarks of one KML document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.open("w", encoding="utf-8")
        fields = "\n".join(
            f"<SimpleField name={quoteattr(c.name)} type={quoteattr(KML_TYPES[c.kind])}/>"
            for c in COLUMNS
        )
        self.file.write(HEAD.format(fields=fields))

    def add(self, rows: Sequence[tuple]) -> None:
        self.file.writelines(placemark(x, y, values) for x, y, *values in rows)

    def finish(self) -> Path:
        self.file.write(TAIL)
        self.file.close()
        return self.path
