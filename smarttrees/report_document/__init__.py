"""The dashboard as a PDF report a department head can sign and send: A4, the province's
administrative heading, the filters stated, key figures, a choropleth of the communes and the
charts as vector graphics, tables, the method with its sources, and an embedded font.

Pure: it takes the figures as plain data and the translation of each message in TEXTS, so it
knows neither Flask nor the database.
"""

from smarttrees.report_document.document import write_report
from smarttrees.report_document.texts import METHOD_NAMES, TEXTS

__all__ = ["METHOD_NAMES", "TEXTS", "write_report"]
