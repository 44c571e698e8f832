"""The problems of the staged rows that their own values show (a point that cannot be read or
lies nowhere, a number that is not one or out of range, a size class, a date that is no day, an
unknown condition or species), found by one query over `import_rows`."""

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.errors import Problem
from smarttrees.importers.mapping import coordinate_columns
from smarttrees.services.imports import column_values

PROBLEMS_SQL = """
SELECT row_number, 'row' AS field, 'row_too_many_values' AS code, extra AS value
  FROM import_rows WHERE extra IS NOT NULL
UNION ALL
SELECT row_number, 'point',
       CASE WHEN point_problem IS NOT NULL THEN point_problem
            WHEN x_text IS NULL OR y_text IS NULL THEN
                 CASE WHEN geometry IS NOT NULL THEN 'geometry_not_point'
                      ELSE 'coordinates_missing' END
            WHEN x IS NULL OR y IS NULL THEN 'coordinates_invalid'
            ELSE 'coordinates_out_of_range' END AS code,
       CASE WHEN point_problem IS NOT NULL THEN point_value
            WHEN x_text IS NULL OR y_text IS NULL THEN geometry
            ELSE x_text || ', ' || y_text END AS value
  FROM import_rows WHERE geom IS NULL
UNION ALL
SELECT row_number, 'dbh', CASE WHEN dbh_number IS NULL THEN 'number_invalid'
                               ELSE 'out_of_range' END, dbh_text
  FROM import_rows WHERE dbh_text IS NOT NULL AND dbh IS NULL
UNION ALL
SELECT row_number, 'height', CASE WHEN height_number IS NULL THEN 'number_invalid'
                                  ELSE 'out_of_range' END, height_text
  FROM import_rows WHERE height_text IS NOT NULL AND height IS NULL
UNION ALL
SELECT row_number, 'crown', CASE WHEN crown_number IS NULL THEN 'number_invalid'
                                 ELSE 'out_of_range' END, crown_text
  FROM import_rows WHERE crown_text IS NOT NULL AND crown IS NULL
UNION ALL
SELECT row_number, 'dbh', 'size_class', dbh_text
  FROM import_rows WHERE dbh_class AND dbh IS NOT NULL
UNION ALL
SELECT row_number, 'height', 'size_class', height_text
  FROM import_rows WHERE height_class AND height IS NOT NULL
UNION ALL
SELECT row_number, 'crown', 'size_class', crown_text
  FROM import_rows WHERE crown_class AND crown IS NOT NULL
UNION ALL
SELECT row_number, 'condition', 'condition_unknown', condition_text
  FROM import_rows WHERE condition_text IS NOT NULL AND condition IS NULL
UNION ALL
SELECT row_number, 'planted', 'date_invalid', planted_text
  FROM import_rows WHERE planted_text IS NOT NULL AND planted IS NULL
UNION ALL
SELECT row_number, 'species', species_problem, species_raw
  FROM import_rows WHERE species_problem IS NOT NULL AND geom IS NOT NULL
"""


def row_problems(mapping: dict) -> list[Problem]:
    """Each row's problems, with the file's columns they are about."""
    fields = ("species", "planted", "condition", *column_values.MEASURES)
    columns = {field: (mapping.get(field, ""),) for field in fields}
    columns["point"] = coordinate_columns(mapping)
    columns["row"] = ()
    return [
        Problem(row, code, columns[field], value)
        for row, field, code, value in db.session.execute(text(PROBLEMS_SQL))
    ]
