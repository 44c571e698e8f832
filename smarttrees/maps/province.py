"""The planners' province map: a Folium page whose layers are vector tiles from the app.

Folium's default assets point at CDNs; every one is replaced by a URL the app serves itself.
The page's behaviour (tile layers, filters, cards, search, legend) lives in province-map.js,
started with the configuration given here.
"""

import json
from html import escape

import folium
from branca.element import Element, MacroElement
from jinja2 import Template


class _StartMap(MacroElement):
    """Calls SmartTreesMap.start(map, config) once Folium has made the Leaflet map."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "SmartTreesMap.start({{ this._parent.get_name() }}, {{ this.config_json }});"
        "{% endmacro %}"
    )

    def __init__(self, config: dict) -> None:
        super().__init__()
        self._name = "StartMap"
        # Safe inside a <script>: no "</" can close the element early.
        self.config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")


def province_map(
    *, title: str, bounds: tuple[float, float, float, float], assets: dict[str, str], config: dict
) -> str:
    """The whole HTML page. `assets` maps leaflet_js, leaflet_css, vectorgrid_js, map_js and
    map_css to local URLs; `config` goes to the page's script as it is."""
    west, south, east, north = bounds
    page = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=9,
        tiles=None,
        min_zoom=6,
        max_zoom=20,
        control_scale=False,  # the page's script adds a metric one
        prefer_canvas=True,
        max_bounds=True,
        min_lat=south - 1,
        max_lat=north + 1,
        min_lon=west - 1,
        max_lon=east + 1,
    )
    page.default_js = [
        ("leaflet", assets["leaflet_js"]),
        ("vectorgrid", assets["vectorgrid_js"]),
        ("protomaps", assets["protomaps_js"]),
        ("basemap", assets["basemap_js"]),
        ("map_tools", assets["map_tools_js"]),
        ("province_map", assets["map_js"]),
    ]
    page.default_css = [("leaflet_css", assets["leaflet_css"]), ("map_css", assets["map_css"])]
    page.fit_bounds([[south, west], [north, east]])
    _StartMap(config).add_to(page)
    root = page.get_root()
    root.header.add_child(Element(f"<title>{escape(title)}</title>"), name="title")
    root.header.add_child(Element('<link rel="icon" href="data:,">'), name="icon")
    return root.render()
