"""What the province map shows: vector tiles from PostGIS, the cards of communes and stands,
and the search box."""

from smarttrees.services.maps.cards import (
    NEAREST,
    POINT,
    SEARCH,
    commune_summary,
    nearest_trees,
    place_at,
    search,
    stand_summary,
)
from smarttrees.services.maps.tiles import (
    TileFilter,
    commune_tile,
    layer_version,
    stand_tile,
    tree_tile,
    tree_tile_version,
)

__all__ = [
    "NEAREST",
    "POINT",
    "SEARCH",
    "TileFilter",
    "commune_summary",
    "commune_tile",
    "layer_version",
    "nearest_trees",
    "place_at",
    "search",
    "stand_summary",
    "stand_tile",
    "tree_tile",
    "tree_tile_version",
]
