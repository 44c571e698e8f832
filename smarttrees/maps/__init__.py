"""Map pages built with Folium: pure, given plain values (URLs, bounds, strings)."""
