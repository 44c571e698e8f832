"""Files of a selection of trees for other programs (Excel, GeoPackage, zipped Shapefile, KML;
VN-2000 TM-3 on request), read from the database a batch at a time. (CSV and GeoJSON stream
from inventory.)"""

from smarttrees.exporters import FORMATS
from smarttrees.services.exports.files import check_format, discard, filename, write_now

__all__ = ["FORMATS", "check_format", "discard", "filename", "write_now"]
