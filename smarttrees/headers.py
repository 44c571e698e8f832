"""Headers every answer carries: a Content Security Policy that runs no script but the app's
own files and the inline scripts it wrote for this answer (each given this answer's nonce),
no framing by other sites, no type sniffing, no referrer sent elsewhere."""

import re
import secrets

from flask import Flask, Response, g

# WebAssembly (the barcode reader) needs 'wasm-unsafe-eval'; Leaflet positions everything
# with style attributes, which only 'unsafe-inline' allows; tiles and photos may be blobs.
POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
    "worker-src 'self' blob:; font-src 'self' data:; media-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(self), microphone=()",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)")


def csp_nonce() -> str:
    """This answer's nonce, for the inline scripts of its page."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def with_nonces(html: str) -> str:
    """A page written by a library (Folium) with this answer's nonce on each inline script."""
    return _INLINE_SCRIPT.sub(f'<script nonce="{csp_nonce()}"', html)


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY.format(nonce=csp_nonce())
    for name, value in FIXED.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
