"""Zipped shapefiles and KMZ files, unpacked safely; KML and GPX checked for XML bombs.

A member is refused before anything is written when its name climbs out of the folder (`..`,
an absolute path), when it is a link, or when the sizes the archive declares are too large or
compress too well to be honest (a zip bomb). What is extracted is then read by GDAL from the
app's own folder; no name from the archive reaches GDAL as a path.
"""

import stat
import zipfile
from pathlib import Path, PurePosixPath

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from smarttrees.importers.csvfile import NotATable

MAX_MEMBERS = 200
MAX_TOTAL = 2 * 1024**3  # bytes unpacked, all members together
MAX_RATIO = 200  # unpacked / packed, for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024**2
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qpj"}


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise NotATable(f"The archive holds {len(members)} files; at most {MAX_MEMBERS} are read.")
    total = 0
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in member.filename:
            raise NotATable(f"The archive holds a file outside its folder: {member.filename!r}.")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise NotATable(f"The archive holds a link, which is not read: {member.filename!r}.")
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_TOTAL or (member.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise NotATable("The archive unpacks to far more than it holds: it is refused.")
    return members


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, folder: Path) -> Path:
    """Copy one member under a flat name of our own, never past its declared size."""
    target = folder / PurePosixPath(member.filename).name
    with archive.open(member) as source, target.open("wb") as out:
        written = 0
        while chunk := source.read(1024**2):
            written += len(chunk)
            if written > member.file_size:
                raise NotATable("The archive lies about a file's size: it is refused.")
            out.write(chunk)
    return target


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise NotATable("This file is not a readable ZIP archive.") from error


def unpack_shapefile(path: Path, folder: Path, layer: str | None = None) -> Path:
    """The .shp of a zipped shapefile, unpacked with its companion files into `folder`."""
    with _open_zip(path) as archive:
        members = _safe_members(archive)
        shapes = [m for m in members if m.filename.lower().endswith(".shp")]
        if layer:
            shapes = [m for m in shapes if PurePosixPath(m.filename).stem == layer]
        if not shapes:
            raise NotATable(
                "The archive holds no shapefile (.shp)."
                if not layer
                else f"No {layer}.shp in the archive."
            )
        if len(shapes) > 1:
            names = ", ".join(PurePosixPath(m.filename).stem for m in shapes)
            raise NotATable(f"The archive holds several shapefiles: choose a layer ({names}).")
        stem = shapes[0].filename[: -len(".shp")]
        folder.mkdir(parents=True, exist_ok=True)
        for member in members:
            member_stem, _, suffix = member.filename.rpartition(".")
            if member_stem == stem and f".{suffix.lower()}" in SHAPEFILE_PARTS:
                extracted = _extract(archive, member, folder)
                extracted.rename(extracted.with_suffix(f".{suffix.lower()}"))
    return folder / (PurePosixPath(stem).name + ".shp")


def check_shapefile(shp: Path, crs_declared: bool) -> None:
    """Name what a shapefile lacks: GDAL needs the .shx and the .dbf; the .prj says where it is."""
    missing = [suffix for suffix in (".shx", ".dbf") if not shp.with_suffix(suffix).exists()]
    if not crs_declared and not shp.with_suffix(".prj").exists():
        missing.append(".prj")
    if missing:
        hint = (
            " Without a .prj, choose the coordinate system the survey used."
            if ".prj" in missing
            else ""
        )
        raise NotATable(
            f"The shapefile {shp.stem} is missing {', '.join(missing)}: put every file of the "
            f"shapefile (.shp, .shx, .dbf, .prj) in one ZIP.{hint}"
        )


def unpack_kmz(path: Path, folder: Path) -> Path:
    """The KML document of a KMZ (doc.kml, else the first .kml in it)."""
    with _open_zip(path) as archive:
        members = _safe_members(archive)
        documents = [m for m in members if m.filename.lower().endswith(".kml")]
        if not documents:
            raise NotATable("The KMZ file holds no KML document.")
        document = next((m for m in documents if m.filename.lower() == "doc.kml"), documents[0])
        folder.mkdir(parents=True, exist_ok=True)
        extracted = _extract(archive, document, folder)
    return extracted.rename(folder / "doc.kml")


def check_xml(path: Path) -> None:
    """Refuse entity expansion and external entities (billion laughs, XXE) before GDAL parses."""
    try:
        for _ in defusedxml.ElementTree.iterparse(path, forbid_dtd=False):
            pass
    except DefusedXmlException as error:
        raise NotATable(
            "The file declares XML entities, which are not read: it is refused."
        ) from error
    except defusedxml.ElementTree.ParseError as error:
        raise NotATable(f"The file is not well-formed XML ({error}).") from error
