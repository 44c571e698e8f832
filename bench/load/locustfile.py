"""The people of `make bench-load`: 50 field users scanning trees (the label's page and the API
lookup, the trees nearest them) and syncing inspections with their device tokens, and one
planner panning the province map (3×3 tiles a view, zooms 9 to 17).

Run by bench/load/run.py, which writes the tokens, tree codes and map centres to the file named
by BENCH_LOAD_DATA; every request's time and every failure go to BENCH_LOAD_RESULT at the end.
"""

import itertools
import json
import math
import os
import random
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from locust import FastHttpUser, between, events, task

DATA = json.loads(Path(os.environ["BENCH_LOAD_DATA"]).read_text())
TIMES: dict[str, list[tuple[float, float]]] = defaultdict(list)
FAILURES: dict[str, list[str]] = defaultdict(list)
ZOOMS = (9, 11, 13, 15, 17)
_field_tokens = itertools.count()


@events.request.add_listener
def _record(request_type, name, response_time, exception, **_):
    key = f"{request_type} {name}"
    TIMES[key].append((time.time(), response_time))  # when it ended, to tell the import's time
    if exception:
        FAILURES[key].append(str(exception)[:300])


@events.test_stop.add_listener
def _write(**_):
    result = {"times": TIMES, "failures": FAILURES}
    Path(os.environ["BENCH_LOAD_RESULT"]).write_text(json.dumps(result))


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The web-mercator tile holding a point."""
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


class FieldUser(FastHttpUser):
    """Scans a tree's label every few seconds; inspects one scan in four and syncs it."""

    fixed_count = 50
    wait_time = between(1, 4)

    def on_start(self) -> None:
        token = DATA["field_tokens"][next(_field_tokens) % len(DATA["field_tokens"])]
        self.auth = {"Authorization": f"Bearer {token}"}

    @task(3)
    def scan(self) -> None:
        code = random.choice(DATA["codes"])
        with self.client.get(
            f"/t/{code}", headers=self.auth, name="/t/[code]", catch_response=True
        ) as response:
            if response.status_code != 200 or code not in response.text:
                response.failure(f"{response.status_code}: the page does not show {code}")
        self.look_up(code)

    @task(1)
    def inspect_and_sync(self) -> None:
        code = random.choice(DATA["codes"])
        tree = self.look_up(code)
        if tree is None:
            return
        record = {
            "client_id": str(uuid.uuid4()),
            "type": "inspection",
            "code": code,
            "inspected_at": datetime.now(UTC).isoformat(),
            "base_updated_at": tree["properties"]["updated_at"],
            "dbh_cm": f"{random.uniform(10, 60):.1f}".replace(".", ","),
            "condition": random.choice(("good", "fair", "poor")),
        }
        with self.client.post(
            "/api/v1/sync", json={"records": [record]}, headers=self.auth, catch_response=True
        ) as response:
            statuses = [r.get("status") for r in _json(response).get("results", [])]
            if response.status_code != 200 or statuses != ["created"]:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def nearest(self) -> None:
        lon, lat = random.choice(DATA["centres"])
        with self.client.get(
            f"/api/v1/trees/nearest?lon={lon:.6f}&lat={lat:.6f}&limit=10",
            headers=self.auth,
            name="/api/v1/trees/nearest",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not _json(response).get("trees"):
                response.failure(f"{response.status_code}: {response.text[:200]}")

    def look_up(self, code: str) -> dict | None:
        with self.client.get(
            f"/api/v1/trees/{code}",
            headers=self.auth,
            name="/api/v1/trees/[code]",
            catch_response=True,
        ) as response:
            tree = _json(response)
            if response.status_code != 200 or tree.get("properties", {}).get("code") != code:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return tree


class Planner(FastHttpUser):
    """Pans the map: a view of 3×3 tiles of trees, and of communes or stands as a browser
    draws them, at one of five zooms over a place where trees stand."""

    fixed_count = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.auth = {
            "Authorization": f"Bearer {DATA['planner_token']}",
            "Accept-Encoding": "gzip",
        }

    @task
    def pan(self) -> None:
        lon, lat = random.choice(DATA["centres"])
        zoom = random.choice(ZOOMS)
        x, y = tile_of(lon, lat, zoom)
        layers = ("trees", "communes") if zoom <= 13 else ("trees", "stands")
        for layer in layers:
            for dx, dy in itertools.product((-1, 0, 1), repeat=2):
                self.tile(layer, zoom, x + dx, y + dy)

    def tile(self, layer: str, zoom: int, x: int, y: int) -> None:
        with self.client.get(
            f"/tiles/{layer}/{zoom}/{x}/{y}.pbf",
            headers=self.auth,
            name=f"/tiles/{layer}/{zoom}/[x]/[y].pbf",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 204):
                response.failure(f"{response.status_code}: {response.text[:200]}")


def _json(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
