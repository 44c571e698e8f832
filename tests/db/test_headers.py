"""Every answer carries the security headers; the map page's inline scripts (written by
Folium) and the field pages' carry the nonce of the answer's Content Security Policy, and no
other inline script would run."""

import re

from smarttrees.models import Role
from tests.helpers.web import sign_in


def _nonce(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def test_every_kind_of_answer_carries_the_headers(client):
    for path in ("/login", "/api/v1/species", "/static/js/basemap.js", "/no-such-page"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        _nonce(response)


def test_inline_scripts_carry_this_answer_s_nonce_and_no_other(client):
    sign_in(client, Role.FIELD)
    seen = set()
    for path in ("/map", "/field", "/scan"):
        response = client.get(path)
        assert response.status_code == 200, path
        nonce = _nonce(response)
        seen.add(nonce)
        html = response.get_data(as_text=True)
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert inline, path
        assert all(f'nonce="{nonce}"' in tag for tag in inline), (path, inline)
    assert len(seen) == 3  # a fresh nonce for each answer
