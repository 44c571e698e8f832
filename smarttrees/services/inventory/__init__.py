"""The tree inventory: trees, their inspections (one use case whatever the door), the field
app's offline area and sync, the reference lists and the start page's figures."""

from smarttrees.services.inventory.catalog import (
    commune_tree_counts,
    get_commune,
    list_communes,
    list_species,
    province_bounds,
)
from smarttrees.services.inventory.exports import trees_csv, trees_geojson
from smarttrees.services.inventory.inspections import (
    INSPECTION_FIELDS,
    Recorded,
    record_inspection,
)
from smarttrees.services.inventory.offline import area_for_offline
from smarttrees.services.inventory.overview import summary
from smarttrees.services.inventory.sync import Photos, apply_records
from smarttrees.services.inventory.trees import (
    TreeQuery,
    edit_tree,
    filtered_trees,
    get_tree,
    list_trees,
    parse_location,
    plant_tree,
    reserve_tree_codes,
    service_area_enabled,
    tree_from_client,
)

__all__ = [
    "INSPECTION_FIELDS",
    "Photos",
    "Recorded",
    "TreeQuery",
    "apply_records",
    "area_for_offline",
    "commune_tree_counts",
    "edit_tree",
    "filtered_trees",
    "get_commune",
    "get_tree",
    "list_communes",
    "list_species",
    "list_trees",
    "parse_location",
    "plant_tree",
    "province_bounds",
    "record_inspection",
    "reserve_tree_codes",
    "service_area_enabled",
    "summary",
    "tree_from_client",
    "trees_csv",
    "trees_geojson",
]
