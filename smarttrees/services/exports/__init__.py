"""Files of a selection of trees for other programs (Excel, GeoPackage, zipped Shapefile, KML;
VN-2000 TM-3 on request): small ones written at once, large ones by a background job with its
progress, each read from the database a batch at a time. (CSV and GeoJSON stream from
inventory.)"""

from smarttrees.exporters import FORMATS
from smarttrees.services.exports.background import Size, file_of, get, prune, run, size, start
from smarttrees.services.exports.files import check_format, discard, filename, write_now
from smarttrees.services.exports.state import Export, ExportStatus

__all__ = [
    "FORMATS",
    "Export",
    "ExportStatus",
    "Size",
    "check_format",
    "discard",
    "file_of",
    "filename",
    "get",
    "prune",
    "run",
    "size",
    "start",
    "write_now",
]
