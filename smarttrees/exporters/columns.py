"""The columns of a tree export, named as SmartTrees' importer (and the CSV export) names them,
each with a shapefile field name of at most 10 characters and its meaning in both languages."""

from dataclasses import dataclass

SHAPEFILE_NAME_LIMIT = 10  # dBase field names
SHAPEFILE_TEXT_LIMIT = 254  # bytes in a dBase text field


@dataclass(frozen=True)
class Column:
    name: str  # as the CSV, XLSX, GeoPackage and KML files have it
    kind: str  # "text", "number" or "date"
    meaning_vi: str
    meaning_en: str
    short: str = ""  # the shapefile's field name, when `name` is too long for dBase

    @property
    def field(self) -> str:
        """The shapefile's field name."""
        return self.short or self.name


COLUMNS = (
    Column(
        "code",
        "text",
        "Mã cây (ký tự cuối là ký tự kiểm tra)",
        "Tree code (its last character a check)",
    ),
    Column(
        "species",
        "text",
        "Loài cây, tên khoa học (tên như khi điều tra nếu chưa có trong danh mục)",
        "Species, scientific name (the surveyed name if not in the list)",
    ),
    Column("species_vi", "text", "Tên loài tiếng Việt", "Species, Vietnamese name"),
    Column(
        "category",
        "text",
        "Loại hình: urban (đô thị), scattered (phân tán), plantation (rừng trồng)",
        "Category: urban, scattered or plantation",
    ),
    Column("dbh_cm", "number", "Đường kính ngang ngực D1.3 (cm)", "Diameter at 1.3 m (cm)"),
    Column("height_m", "number", "Chiều cao vút ngọn (m)", "Height (m)"),
    Column("crown_m", "number", "Đường kính tán (m)", "Crown width (m)"),
    Column(
        "condition",
        "text",
        "Tình trạng: good (tốt), fair (trung bình), poor (kém), dead (chết), removed (đã chặt)",
        "Condition: good, fair, poor, dead or removed",
    ),
    Column("planted_on", "date", "Ngày trồng", "Date planted"),
    Column("commune", "text", "Xã, phường (theo vị trí của cây)", "Commune or ward (by the point)"),
    Column("notes", "text", "Ghi chú", "Notes"),
)

README = """\
SmartTrees: cây xanh / trees
============================

Tệp Shapefile {stem}.shp ({count} cây), hệ tọa độ / coordinate system: {crs} (tệp .prj).
Chữ tiếng Việt mã hóa UTF-8 (tệp .cpg). Text is UTF-8 (the .cpg file).

Tên trường (tối đa 10 ký tự) và tên đầy đủ / Field names (at most 10 characters), full names:

{fields}

Một trường chữ của Shapefile giữ tối đa 254 byte: ghi chú dài hơn (khoảng 100 chữ tiếng Việt
có dấu) bị cắt; tệp GeoPackage (.gpkg) giữ nguyên. A shapefile text field holds at most 254
bytes: longer notes are cut; the GeoPackage export keeps them whole.

Nhập lại vào SmartTrees / import back into SmartTrees: tải tệp .zip này lên ở trang Nhập dữ
liệu, hoặc / or: flask --app wsgi trees import {stem}.zip --commit
"""


def readme(stem: str, *, crs: str, count: int) -> str:
    """The README.txt of a zipped shapefile: each field's short name, full name and meaning."""
    width = max(len(c.field) for c in COLUMNS)
    lines = [("Trường", "Tên đầy đủ", "Ý nghĩa"), ("Field", "Full name", "Meaning")]
    lines += [(c.field, c.name, f"{c.meaning_vi} / {c.meaning_en}") for c in COLUMNS]
    fields = "\n".join(f"{a:<{width}}  {b:<{width}}  {c}" for a, b, c in lines)
    return README.format(stem=stem, crs=crs, count=f"{count:,}", fields=fields)


# XML 1.0 (XLSX, KML) cannot hold these control characters, even escaped: they are left out.
_NOT_IN_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def xml_safe(value):
    """A text value as XML can hold it; any other value as it is."""
    return value.translate(_NOT_IN_XML) if isinstance(value, str) else value
