"""Tile speed at the province's real scale, against raw ST_AsMVT and TiPg in the same run.

Run after `make demo-full` (1,130,000 trees): make bench-tiles

Serves the app with gunicorn (public map on) and TiPg (a PostGIS vector-tile server from PyPI,
installed into var/bench-venv on first use) on the same database, requests a seeded sample of
tiles over dense and sparse places at zooms 8-18 and prints, per zoom: p50/p95/max latency
uncached and revalidated (304), gzip size, features; the raw query of every point in the same
tiles and TiPg's tiles; 2 concurrent clients at zoom 12; and the time from committing 10,000
new trees to seeing them in the clustered tiles.
"""

import gzip
import io
import math
import random
import shutil
import statistics
import subprocess
import threading
import time

import mapbox_vector_tile
import psycopg2
import requests

from bench.servers import APP_PORT, TIPG_PORT, start_app, start_tipg
from smarttrees.config import ROOT, Config

ZOOMS = (8, 10, 12, 14, 16, 18)
TILES_PER_ZOOM = 30
SEED = 42


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 1 << z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def sample_tiles(conn) -> dict[int, list[tuple[int, int, int]]]:
    """Dense places (random trees) and sparse ones (random points in the province)."""
    rng = random.Random(SEED)
    with conn.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM trees TABLESAMPLE SYSTEM (1) "
            "ORDER BY random() LIMIT 200"
        )
        dense = cur.fetchall()
        cur.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT ST_Extent(geom) AS e FROM admin_units WHERE level <> 'province') s"
        )
        west, south, east, north = cur.fetchone()
    sparse = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(200)]
    tiles = {}
    for z in ZOOMS:
        chosen = []
        for lon, lat in [p for pair in zip(dense, sparse, strict=True) for p in pair]:
            tile = tile_of(lon, lat, z)
            if tile not in chosen:
                chosen.append(tile)
            if len(chosen) == TILES_PER_ZOOM:
                break
        tiles[z] = chosen
    return tiles


def timed_get(session, url, headers=None) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = session.get(url, headers=headers or {}, stream=True)
    raw = response.raw.read(decode_content=False)
    elapsed = (time.perf_counter() - started) * 1000
    response._bench_raw = raw
    return elapsed, response


def decode(response) -> dict:
    body = response._bench_raw
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return mapbox_vector_tile.decode(body) if body else {}


def features(tile: dict) -> int:
    return sum(len(layer["features"]) for layer in tile.values())


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_app(session, tiles) -> dict:
    uncached, cached, sizes, counts = [], [], [], []
    for z, x, y in tiles:
        url = f"http://127.0.0.1:{APP_PORT}/tiles/trees/{z}/{x}/{y}.pbf"
        ms, response = timed_get(session, url, {"Accept-Encoding": "gzip"})
        uncached.append(ms)
        sizes.append(len(response._bench_raw))
        counts.append(features(decode(response)))
        ms, again = timed_get(session, url, {"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        cached.append(ms)
    return {"uncached": uncached, "cached": cached, "sizes": sizes, "counts": counts}


RAW_SQL = """SELECT ST_AsMVT(q, 'trees') FROM (
  SELECT code, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(%s, %s, %s)) AS geom
  FROM trees WHERE geom && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326)) AS q"""


def bench_raw(conn, tiles) -> list[float]:
    times = []
    with conn.cursor() as cur:
        for z, x, y in tiles:
            started = time.perf_counter()
            cur.execute(RAW_SQL, (z, x, y, z, x, y))
            cur.fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return times


def bench_tipg(session, tiles) -> list[float]:
    times = []
    for z, x, y in tiles:
        url = (
            f"http://127.0.0.1:{TIPG_PORT}/collections/public.trees/tiles/"
            f"WebMercatorQuad/{z}/{x}/{y}"
        )
        ms, response = timed_get(session, url, {"Accept-Encoding": "gzip"})
        assert response.status_code == 200, (url, response.status_code, response._bench_raw[:200])
        times.append(ms)
    return times


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})
end
"""


def wrk_rate(tiles, clients: int = 2, seconds: int = 10) -> float | None:
    """Tiles per second from wrk (a light C client), or None when wrk is not installed."""
    if not shutil.which("wrk"):
        return None
    paths = ", ".join(f'"/tiles/trees/{z}/{x}/{y}.pbf"' for z, x, y in tiles)
    script = ROOT / "var" / "bench-tiles.lua"
    script.write_text(WRK_SCRIPT % paths)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(clients),
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{APP_PORT}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    return float(rate.split()[1])


def concurrent_rate(tiles, clients: int = 2, seconds: float = 10) -> float:
    done = []
    stop = time.time() + seconds

    def client():
        session, count = requests.Session(), 0
        while time.time() < stop:
            z, x, y = tiles[count % len(tiles)]
            response = session.get(
                f"http://127.0.0.1:{APP_PORT}/tiles/trees/{z}/{x}/{y}.pbf",
                headers={"Accept-Encoding": "gzip"},
            )
            count += response.status_code == 200
        done.append(count)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def import_to_visible(conn, session) -> tuple[float, float]:
    """Commit 10,000 trees the way a bulk import does (COPY), then find them in a z10 tile."""
    lon, lat = 105.70, 21.95
    z, x, y = tile_of(lon, lat, 10)
    url = f"http://127.0.0.1:{APP_PORT}/tiles/trees/{z}/{x}/{y}.pbf"

    def tile_count():
        return sum(
            f["properties"]["count"]
            for f in decode(timed_get(session, url)[1]).get("clusters", {}).get("features", [])
        )

    before = tile_count()
    rows = "".join(
        f"BENCH{i:05d}\tscattered\tSRID=4326;POINT({lon + (i % 100) * 1e-4} "
        f"{lat + (i // 100) * 1e-4})\tbench\tb{i}\n"
        for i in range(10_000)
    )
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.copy_expert(
            "COPY trees (code, category, geom, source, external_id) FROM STDIN", io.StringIO(rows)
        )
    conn.commit()
    committed = time.perf_counter()
    while tile_count() < before + 10_000:
        time.sleep(0.01)
    visible = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("DELETE FROM trees WHERE source = 'bench'")
    conn.commit()
    return (committed - started) * 1000, (visible - committed) * 1000


DENSE = 1000  # a tile with more trees than this counts as dense


def dense_mask(conn, tiles) -> list[bool]:
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM trees WHERE geom && "
        "ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326) LIMIT %s) AS t"
    )
    with conn.cursor() as cur:
        mask = []
        for z, x, y in tiles:
            cur.execute(sql, (z, x, y, DENSE + 1))
            mask.append(cur.fetchone()[0] > DENSE)
    return mask


def dense_ratio(reference, ours, mask) -> str:
    pairs = [(r, o) for r, o, dense in zip(reference, ours, mask, strict=True) if dense]
    if not pairs:
        return "    -"
    return f"{statistics.median(r for r, _ in pairs) / statistics.median(o for _, o in pairs):5.1f}"


def report(results, raw, tipg, masks) -> None:
    print(f"distinct tiles a zoom: {dict((z, len(r['uncached'])) for z, r in results.items())}")
    print(
        f"{'zoom':>4} {'p50':>6} {'p95':>6} {'max':>6} {'304 p50':>8} {'gz KB p50':>9} "
        f"{'gz KB max':>9} {'feat p50':>8} {'feat max':>8} | {'raw p50':>8} {'raw p95':>8} "
        f"{'x':>5} | {'TiPg p50':>8} {'TiPg p95':>8} {'x':>5}"
    )
    for z in ZOOMS:
        r = results[z]
        p50 = statistics.median(r["uncached"])
        print(
            f"{z:>4} {p50:6.1f} {pct(r['uncached'], 95):6.1f} {max(r['uncached']):6.1f} "
            f"{statistics.median(r['cached']):8.1f} {statistics.median(r['sizes']) / 1024:9.1f} "
            f"{max(r['sizes']) / 1024:9.1f} {statistics.median(r['counts']):8.0f} "
            f"{max(r['counts']):8d} | {statistics.median(raw[z]):8.1f} {pct(raw[z], 95):8.1f} "
            f"{statistics.median(raw[z]) / p50:5.1f} | {statistics.median(tipg[z]):8.1f} "
            f"{pct(tipg[z], 95):8.1f} {statistics.median(tipg[z]) / p50:5.1f} | "
            f"{sum(masks[z]):5d} {dense_ratio(raw[z], r['uncached'], masks[z])} "
            f"{dense_ratio(tipg[z], r['uncached'], masks[z]):>6}"
        )
    print(f"x: the reference's median time over ours; dense: tiles with over {DENSE} trees")


def main() -> None:
    database_url = Config().DATABASE_URL
    conn = psycopg2.connect(database_url)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM trees")
        print(
            f"trees: {cur.fetchone()[0]:,}; {TILES_PER_ZOOM} tiles a zoom (seed {SEED}); "
            "times in ms, medians unless marked"
        )
    tiles = sample_tiles(conn)
    app, tipg_server = start_app(database_url), start_tipg(database_url)
    try:
        session = requests.Session()
        for z in ZOOMS:  # one pass first for all three, so each is measured warm
            for _ in range(2):
                bench_app(session, tiles[z])
            bench_tipg(session, tiles[z])
            bench_raw(conn, tiles[z])
        results = {z: bench_app(session, tiles[z]) for z in ZOOMS}
        raw = {z: bench_raw(conn, tiles[z]) for z in ZOOMS}
        tipg = {z: bench_tipg(session, tiles[z]) for z in ZOOMS}
        report(results, raw, tipg, {z: dense_mask(conn, tiles[z]) for z in ZOOMS})
        rate = concurrent_rate(tiles[12])
        print(f"\n2 concurrent clients, zoom 12, uncached: {rate:.0f} tiles/s (Python clients)")
        if (rate := wrk_rate(tiles[12])) is not None:
            print(f"2 concurrent clients, zoom 12, uncached: {rate:.0f} tiles/s (wrk)")
        commit_ms, visible_ms = import_to_visible(conn, session)
        print(
            f"10,000 trees: COPY + commit (tallies included) {commit_ms:.0f} ms; "
            f"then visible in the clustered tile after {visible_ms:.0f} ms"
        )
    finally:
        app.terminate()
        tipg_server.terminate()


if __name__ == "__main__":
    main()
