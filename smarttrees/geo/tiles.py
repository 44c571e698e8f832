"""Web-mercator tile arithmetic: validation, the cells a tile covers, its version area. Pure."""

from dataclasses import dataclass

MAX_ZOOM = 22


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int


@dataclass(frozen=True)
class CellRange:
    """Cells of tally zoom `zoom` inside a tile, grouped `shift` bits coarser for small zooms."""

    zoom: int
    x0: int
    x1: int
    y0: int
    y1: int
    shift: int


def parse_tile(z: str, x: str, y: str) -> Tile:
    """A tile from URL parts; ValueError names the part that is not a tile coordinate."""
    values = {}
    for name, text in (("z", z), ("x", x), ("y", y)):
        # ASCII digits only ("١" and "²" are digits to Python), and few: a zoom has two
        if not (text.isascii() and text.isdigit() and len(text) <= 10):
            raise ValueError(name)
        values[name] = int(text)
    if values["z"] > MAX_ZOOM:
        raise ValueError("z")
    size = 1 << values["z"]
    for name in ("x", "y"):
        if values[name] >= size:
            raise ValueError(name)
    return Tile(**values)


def cell_range(tile: Tile, *, min_zoom: int, max_zoom: int, cells_per_tile: int) -> CellRange:
    """The tally cells to read for a tile, so each tile gets about cells_per_tile² clusters."""
    zoom = min(max(tile.z, min_zoom), max_zoom)
    if zoom >= tile.z:
        per_tile = cells_per_tile << (zoom - tile.z)
        x0, y0 = tile.x * per_tile, tile.y * per_tile
        x1, y1 = x0 + per_tile - 1, y0 + per_tile - 1
    else:  # deeper than the finest tally: the tile lies inside fewer, larger cells
        drop = tile.z - zoom
        x0, y0 = (tile.x * cells_per_tile) >> drop, (tile.y * cells_per_tile) >> drop
        x1 = ((tile.x + 1) * cells_per_tile - 1) >> drop
        y1 = ((tile.y + 1) * cells_per_tile - 1) >> drop
    return CellRange(zoom, x0, x1, y0, y1, shift=max(0, zoom - tile.z))


def version_area(tile: Tile, *, version_zoom: int) -> tuple[int, int, int, int]:
    """The (x0, x1, y0, y1) range of version tiles (at version_zoom) this tile touches."""
    if tile.z >= version_zoom:
        drop = tile.z - version_zoom
        return tile.x >> drop, tile.x >> drop, tile.y >> drop, tile.y >> drop
    grow = version_zoom - tile.z
    x0, y0 = tile.x << grow, tile.y << grow
    return x0, x0 + (1 << grow) - 1, y0, y0 + (1 << grow) - 1
