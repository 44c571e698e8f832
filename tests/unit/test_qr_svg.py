"""The QR code of the two-step sign-in page, drawn as inline SVG, decodes to its text."""

import re

import numpy as np
import zxingcpp
from PIL import Image

from smarttrees.labels.qr_svg import qr_svg

URI = "otpauth://totp/SmartTrees:lan%40example.vn?secret=JBSWY3DPEHPK3PXP&issuer=SmartTrees"


def _raster(svg: str, scale: int = 8) -> Image.Image:
    """Fill the SVG's rectangles (M x y h w v1 h-w z) into a white image."""
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    light = np.full((side, side), 255, dtype=np.uint8)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg):
        light[int(y), int(x) : int(x) + int(w)] = 0
    return Image.fromarray(np.kron(light, np.ones((scale, scale), dtype=np.uint8)))


def test_the_svg_decodes_to_the_text_it_was_given():
    svg = qr_svg(URI, title="<key>")
    assert svg.startswith("<svg") and "<title>&lt;key&gt;</title>" in svg
    assert "href" not in svg  # nothing to fetch
    assert [found.text for found in zxingcpp.read_barcodes(_raster(svg))] == [URI]
