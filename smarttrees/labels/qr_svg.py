"""A QR code as inline SVG for a web page (drawn here from zxing-cpp's modules: the page
fetches nothing, and the symbol scales sharp on any screen)."""

from html import escape

import numpy as np

from smarttrees.labels.sheets import QUIET_MODULES, qr_modules


def qr_svg(text: str, *, size_px: int = 200, title: str = "") -> str:
    """An <svg> element of the QR code of `text`, `size_px` wide with its quiet zone; one
    path, a rectangle per run of dark modules in a row."""
    modules = qr_modules(text)
    count = modules.shape[0] + 2 * QUIET_MODULES
    padded = np.pad(modules.astype(np.int8), ((0, 0), (1, 1)))
    rows, columns = np.nonzero(np.diff(padded, axis=1))
    starts, ends = columns[::2] + QUIET_MODULES, columns[1::2] + QUIET_MODULES
    tops = rows[::2] + QUIET_MODULES
    path = "".join(
        f"M{x} {y}h{w}v1h-{w}z"
        for x, y, w in zip(starts.tolist(), tops.tolist(), (ends - starts).tolist(), strict=True)
    )
    label = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {count} {count}" '
        f'width="{size_px}" height="{size_px}" shape-rendering="crispEdges" role="img">'
        f'{label}<rect width="{count}" height="{count}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
