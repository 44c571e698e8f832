"""The tree inventory: trees, their inspections (one use case whatever the door), the field
app's offline area and sync, the reference lists and the start page's figures."""

from smarttrees.services.inventory.catalog import (
    NAME_SEARCH,
    commune_tree_counts,
    get_commune,
    list_communes,
    list_species,
    province_bounds,
)
from smarttrees.services.inventory.exports import trees_csv, trees_geojson
from smarttrees.services.inventory.inspections import (
    INSPECTION,
    INSPECTION_FIELDS,
    Recorded,
    record_inspection,
)
from smarttrees.services.inventory.offline import OFFLINE_AREA, area_for_offline
from smarttrees.services.inventory.overview import summary
from smarttrees.services.inventory.sync import MAX_RECORDS, Photos, apply_records
from smarttrees.services.inventory.trees import (
    NEW_TREE,
    TREE_CHANGES,
    TREE_LIST,
    TreeQuery,
    edit_tree,
    filtered_trees,
    get_tree,
    list_trees,
    plant_tree,
    reserve_tree_codes,
    service_area_enabled,
    tree_from_client,
    tree_query,
)

__all__ = [
    "INSPECTION",
    "INSPECTION_FIELDS",
    "MAX_RECORDS",
    "NAME_SEARCH",
    "NEW_TREE",
    "OFFLINE_AREA",
    "TREE_CHANGES",
    "TREE_LIST",
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
    "plant_tree",
    "province_bounds",
    "record_inspection",
    "reserve_tree_codes",
    "service_area_enabled",
    "summary",
    "tree_from_client",
    "tree_query",
    "trees_csv",
    "trees_geojson",
]
