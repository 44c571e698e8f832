"""The province map page for planners (public and read-only when the public map is on)."""

from flask import request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user

from smarttrees.auth import public_or_viewer
from smarttrees.basemaps import basemap_info
from smarttrees.headers import with_nonces
from smarttrees.maps.province import province_map
from smarttrees.models import Condition, Role, TreeCategory
from smarttrees.services import inventory
from smarttrees.web import bp

MAP_STRINGS = (
    "Trees",
    "This stand's trees",
    "as a GeoPackage",
    "Plantation stands",
    "Communes and wards",
    "Colour trees by",
    "Category",
    "Condition",
    "Species",
    "Commune",
    "Planting year",
    "All",
    "Search a code or a commune",
    "trees",
    "trees per ha",
    "Area",
    "Open the tree's page",
    "Last inspection",
    "DBH (cm)",
    "Height (m)",
    "Crown width (m)",
    "Click to zoom in",
    "Main species",
    "Plot",
    "Planted",
    "Density",
    "Nothing found.",
    "Filters",
    "Sign in",
    "Trees per ha",
    "No basemap: the commune layer is the background.",
    "Reset filters",
    "Communes coloured by",
    "Poor or dead (%)",
    "Print labels of this view",
    "These trees as a GeoPackage",
    "Legend",
    "urban",
    "scattered",
    "plantation",
    "good",
    "fair",
    "poor",
    "dead",
    "removed",
    "unknown",
    "ha",
    "Tree inventory",
    "Loading…",
    "My location",
    "Trees near you",
    "Inspect",
    "Hide the panel",
    "Show the panel",
    "Finding your position…",
    "Your position could not be found: allow location for this site, outdoors if you can.",
    "No tree near here.",
    "m",
    "km",
    "Accuracy",
    "Only the trees of import",
    "Show every tree",
    "Zoom in",
    "Number of trees",
    "Survival",
    "inspected",
    "CO₂ equivalent (t)",
    "Zoom out",
    "Layers",
    "Close",
    "A library for interactive maps",
)


def _template(endpoint: str, **placeholders) -> str:
    """A URL with {name} placeholders for the page's script to fill in."""
    url = url_for(endpoint, **{name: f"__{name}__" for name in placeholders})
    for name, value in placeholders.items():
        url = url.replace(f"__{name}__", value)
    return url


def _assets() -> dict[str, str]:
    vendor = lambda package, path: url_for("vendor.asset", package=package, filename=path)  # noqa: E731
    return {
        "leaflet_js": vendor("leaflet", "dist/leaflet.js"),
        "leaflet_css": vendor("leaflet", "dist/leaflet.css"),
        "vectorgrid_js": vendor("leaflet.vectorgrid", "dist/Leaflet.VectorGrid.bundled.min.js"),
        "protomaps_js": vendor("protomaps-leaflet", "dist/protomaps-leaflet.js"),
        "basemap_js": url_for("static", filename="js/basemap.js"),
        "map_tools_js": url_for("static", filename="js/map-tools.js"),
        "map_js": url_for("static", filename="js/province-map.js"),
        "map_css": url_for("static", filename="css/map.css"),
    }


def _config() -> dict:
    tile = {"z": "{z}", "x": "{x}", "y": "{y}"}
    return {
        "locale": str(get_locale()),
        "tiles": {
            name: _template(f"tiles.{name}", **tile) for name in ("trees", "stands", "communes")
        },
        "api": {
            "card": _template("api.tree_card", code="{code}"),
            "commune": _template("api.commune_summary", code="{code}"),
            "stand": _template("api.stand_summary", stand_id="{id}"),
            "here": url_for("api.place_here") + "?lon={lon}&lat={lat}",
            "search": url_for("api.search"),
            "nearest": url_for("api.nearest_trees") + "?lon={lon}&lat={lat}&limit=10",
        },
        "tree_page": _template("pages.tree_detail", code="{code}")
        if current_user.is_authenticated
        else None,
        "login": url_for("pages.login", next=request.full_path),
        "inspect_page": _template("pages.tree_inspect", code="{code}")
        if current_user.is_authenticated and current_user.can(Role.FIELD)
        else None,
        "nav": _navigation(),
        "print_labels": url_for("pages.tree_labels")
        if current_user.is_authenticated and current_user.can(Role.FIELD)
        else None,
        "export_trees": url_for("pages.tree_export", fmt="gpkg")
        if current_user.is_authenticated
        else None,
        "stand_trees": url_for("pages.tree_list") + "?stand={id}"
        if current_user.is_authenticated
        else None,
        "stand_file": url_for("pages.tree_export", fmt="gpkg") + "?stand={id}"
        if current_user.is_authenticated
        else None,
        "basemap": basemap_info(),
        "species": [[s.id, s.label] for s in inventory.list_species()],
        "communes": [[c.id, c.name] for c in inventory.list_communes()],
        "categories": [c.value for c in TreeCategory],
        "conditions": [c.value for c in Condition],
        "strings": {text: gettext(text) for text in MAP_STRINGS},
    }


def _navigation() -> list[tuple[str, str]]:
    """The app's pages, as the other pages' header lists them."""
    if not current_user.is_authenticated:
        return [(gettext("Sign in"), url_for("pages.login", next=request.full_path))]
    links = [
        (gettext("Home"), url_for("pages.home")),
        (gettext("Trees"), url_for("pages.tree_list")),
    ]
    if current_user.can(Role.FIELD):
        links.append((gettext("Field app"), url_for("pages.field_app")))
    if current_user.can(Role.MANAGER):
        links.append((gettext("Import"), url_for("pages.import_new")))
    return links


@bp.get("/map")
@public_or_viewer
def province():
    page = province_map(
        title=gettext("Tree inventory") + " · SmartTrees",
        bounds=inventory.province_bounds(),
        assets=_assets(),
        config=_config(),
    )
    page = page.replace("<html>", f'<html lang="{get_locale().language}">', 1)
    return with_nonces(page), 200, {"Content-Type": "text/html; charset=utf-8"}
