"""The catalogue of import problems: a stable code, a severity and a message (a msgid).

The CLI summary, the stored row errors and the error report all come from here.
"""

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Kind:
    code: str
    severity: str
    message: str


CATALOGUE = {
    kind.code: kind
    for kind in (
        Kind(
            "row_too_many_values",
            ERROR,
            "This row has more values than the header has columns: a decimal comma without "
            "quotes in a comma-separated file?",
        ),
        Kind("coordinates_missing", ERROR, "This row has no coordinates."),
        Kind("coordinates_invalid", ERROR, "The coordinates are not numbers."),
        Kind(
            "coordinates_out_of_range",
            ERROR,
            "The coordinates do not fit the chosen coordinate system.",
        ),
        Kind(
            "geometry_not_point",
            ERROR,
            "This feature is not a point: a tree is imported from a point.",
        ),
        Kind("outside_service_area", ERROR, "The point lies outside the service area."),
        # Stands, from polygon files.
        Kind("shape_missing", ERROR, "This feature has no shape."),
        Kind(
            "geometry_not_polygon",
            ERROR,
            "This feature is not a polygon: a stand is imported from a polygon.",
        ),
        Kind(
            "shape_repaired",
            WARNING,
            "The polygon was not valid (its edges cross or touch): it was repaired; check the "
            "stand on the map.",
        ),
        Kind(
            "area_differs",
            WARNING,
            "The area the file declares differs by more than 5 per cent from the area of its "
            "polygon.",
        ),
        Kind(
            "function_unknown",
            WARNING,
            "This forest function is not one SmartTrees knows: the stand is imported without it.",
        ),
        Kind(
            "plot_taken",
            ERROR,
            "Another stand already has these plot ids (tiểu khu / khoảnh / lô) in this commune.",
        ),
        Kind("text_too_long", ERROR, "This text is too long for its field."),
        # A value that cannot be read does not stop the tree: it is imported without it, and
        # the value is kept with the tree as the file wrote it.
        Kind(
            "number_invalid",
            WARNING,
            "This is not a number: the tree is imported without it, the value kept as written.",
        ),
        Kind(
            "out_of_range",
            WARNING,
            "This value is outside the plausible range: the tree is imported without it, "
            "the value kept as written.",
        ),
        Kind(
            "size_class",
            WARNING,
            "A size class: its middle is taken as the value, the class kept as written.",
        ),
        Kind(
            "date_invalid",
            WARNING,
            "This is not a date (dd/mm/yyyy, yyyy-mm-dd or an Excel serial): the tree is "
            "imported without it, the value kept as written.",
        ),
        Kind(
            "condition_unknown",
            WARNING,
            "This condition is not one SmartTrees knows: the tree is imported without it, "
            "the word kept as written.",
        ),
        Kind(
            "species_ambiguous",
            WARNING,
            "This name fits more than one species: the tree is imported unidentified, the name "
            "kept; choose the species in the mapping.",
        ),
        Kind(
            "species_unknown",
            WARNING,
            "This species is not in the list: imported as unidentified, its name kept.",
        ),
        Kind("external_id_duplicate", ERROR, "The same id appears more than once in this file."),
        Kind(
            "row_repeated",
            WARNING,
            "This row repeats an earlier row of the file exactly: it is imported once.",
        ),
        Kind(
            "same_point",
            WARNING,
            "Another tree of this file, with another id, stands at exactly this point: both "
            "are imported.",
        ),
        Kind(
            "near_existing_tree",
            WARNING,
            "A tree of the same species already stands within 1 m: is it the same tree?",
        ),
    )
}


@dataclass(frozen=True)
class Problem:
    """One problem of one row, as the user sees the row number in the file."""

    row: int
    code: str
    columns: tuple[str, ...]
    value: str | None = None

    @property
    def kind(self) -> Kind:
        return CATALOGUE[self.code]
