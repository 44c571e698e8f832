"""Load on loopback for a bounded time: 50 field users scanning trees and syncing inspections,
a planner panning the map, and a survey import committing through `flask trees import
--commit`, all at once, against the app served by gunicorn as `make run` serves it.

Run: make bench-load. It works in a database of its own (smarttrees_bench_load, emptied and
set up afresh each run: migrations, reference data, the 5,000-tree demo, 50 field accounts
and a planner's, made with `flask users create` and `flask users token`), serves the app on a
free port, runs locust headless (bench/load/locustfile.py) for BENCH_LOAD_SECONDS (60) and
starts the import of a survey of BENCH_LOAD_IMPORT_ROWS trees (200,000: a district's) 15 s
in. It prints p50 and p95 per endpoint, over the run and while the import ran, and the errors;
it exits 1 on any error. Client, server and database share the machine's cores.
"""

import csv
import json
import math
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url, text

from smarttrees import create_app
from smarttrees.config import ROOT, sqlalchemy_url
from smarttrees.extensions import db

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
IMPORT_ROWS = int(os.environ.get("BENCH_LOAD_IMPORT_ROWS", "200000"))
IMPORT_AFTER = 15  # seconds into the run: the import meets the load at its steady state
FIELD_USERS = 50
DEMO_TREES = 5000
PASSWORD = "bench-load-password"
WORK = ROOT / "var" / "bench-load"
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]

# Points of the survey: inside the province and one of its communes or wards.
SURVEY_POINTS = """
SELECT ST_X(p.geom), ST_Y(p.geom)
  FROM admin_units u, ST_Dump(ST_GeneratePoints(u.geom, :n * 11 / 10, 7)) AS p
 WHERE u.level = 'province'
   AND EXISTS (SELECT 1 FROM admin_units c
                WHERE c.level <> 'province' AND ST_Intersects(c.geom, p.geom))
 LIMIT :n
"""


def main() -> int:
    url = os.environ["DATABASE_URL"]
    if "bench" not in make_url(url).database:
        sys.exit(f"{make_url(url).database} is not a benchmark's database: it would be emptied")
    WORK.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=url, SMARTTREES_PUBLIC_MAP="0")
    started = time.perf_counter()
    set_up_database(url, env)
    data = accounts_and_places(url)
    (WORK / "data.json").write_text(json.dumps(data))
    write_survey(url, WORK / "survey.csv")
    print(f"set up in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    server = serve(port, env)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/species")
        locust_code, imported = run_load(port, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = json.loads((WORK / "result.json").read_text())
    errors = report(result, imported)
    return 1 if errors or locust_code or imported["code"] else 0


def set_up_database(url: str, env: dict) -> None:
    """An empty database, migrated, with the reference data and the demo inventory."""
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        for (schema,) in connection.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^import_[0-9]+$'")
        ):
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        connection.execute(text("CREATE EXTENSION postgis"))
    engine.dispose()
    for command in (
        ["db", "upgrade"],
        ["reference", "load"],
        ["demo", "load", "--trees", str(DEMO_TREES)],
    ):
        subprocess.run(FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True)


def accounts_and_places(url: str) -> dict:
    """Field accounts and a planner's, each with a token, through the flask commands; the
    codes the field users scan and the places the planner looks at."""
    app = create_app({"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)})
    runner = app.test_cli_runner()

    def account(email: str, role: str) -> str:
        create = ["users", "create", "--email", email, "--name", email.split("@")[0]]
        _cli(runner, [*create, "--role", role, "--password", PASSWORD])
        return _cli(runner, ["users", "token", email, "--name", "bench-load", "--days", "1"])

    field = [account(f"field{n}@load.bench", "field") for n in range(FIELD_USERS)]
    planner = account("planner@load.bench", "manager")
    with app.app_context():
        trees = db.session.execute(
            text("SELECT code, ST_X(geom), ST_Y(geom) FROM trees ORDER BY random() LIMIT 1000")
        ).all()
        db.engine.dispose()
    return {
        "field_tokens": field,
        "planner_token": planner,
        "codes": [code for code, _lon, _lat in trees],
        "centres": [(lon, lat) for _code, lon, lat in trees[:200]],
    }


def _cli(runner, args: list[str]) -> str:
    result = runner.invoke(args=args)
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args[:2])}: {result.output}")
    return result.output.strip().splitlines()[-1]


def write_survey(url: str, path: Path) -> None:
    """A survey file of IMPORT_ROWS trees spread over the province, as a team writes it."""
    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as connection:
        points = connection.execute(text(SURVEY_POINTS), {"n": IMPORT_ROWS}).all()
        species = connection.scalars(text("SELECT vi_name FROM species ORDER BY id")).all()
    engine.dispose()
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "longitude", "latitude", "species", "dbh", "height"])
        for number, (lon, lat) in enumerate(points):
            dbh = f"{rng.uniform(5, 60):.1f}".replace(".", ",")  # a decimal comma
            height = f"{rng.uniform(2, 25):.1f}"
            writer.writerow(
                [f"L{number}", f"{lon:.7f}", f"{lat:.7f}", rng.choice(species), dbh, height]
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int, env: dict) -> subprocess.Popen:
    """gunicorn as scripts/serve.sh runs it (SMARTTREES_WORKERS, default 3)."""
    workers = os.environ.get("SMARTTREES_WORKERS", "3")
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", workers]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(url: str, seconds: float = 60) -> None:
    """Until the app answers (a 401 without a token will do); its workers load the app first."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def run_load(port: int, env: dict) -> tuple[int, dict]:
    """locust for SECONDS; the import starts IMPORT_AFTER seconds in. Locust's exit code and
    the import's outcome."""
    locust_env = dict(
        env, BENCH_LOAD_DATA=str(WORK / "data.json"), BENCH_LOAD_RESULT=str(WORK / "result.json")
    )
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(Path(__file__).parent / "locustfile.py"),
    ]
    command += ["--headless", "--only-summary", "-u", str(FIELD_USERS + 1), "-r", "10"]
    command += ["--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}"]
    with (WORK / "locust.log").open("w") as log:
        load = subprocess.Popen(command, cwd=ROOT, env=locust_env, stdout=log, stderr=log)
        time.sleep(IMPORT_AFTER)
        imported = import_survey(env)
        return load.wait(timeout=SECONDS + 60), imported


def import_survey(env: dict) -> dict:
    """The survey through `flask trees import --commit`: its exit code, summary and window."""
    began = time.time()
    command = [*FLASK, "trees", "import", str(WORK / "survey.csv"), "--source", "bench-load"]
    done = subprocess.run([*command, "--commit"], cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return {
        "code": done.returncode,
        "window": (began, time.time()),
        "summary": json.loads(lines[0]) if lines else {},
        "said": (done.stderr or done.stdout)[-500:],
    }


def report(result: dict, imported: dict) -> int:
    """p50, p95 and max per endpoint (and p95 while the import ran), the failures and the
    import; how many errors."""
    times, failures = result["times"], result["failures"]
    began, ended = imported["window"]
    width = max(len(name) for name in times)
    print(
        f"\n{SECONDS} s, {FIELD_USERS} field users + 1 planner, an import of {IMPORT_ROWS:,} rows"
    )
    heads = ("requests", "p50 ms", "p95 ms", "max ms", "p95 during import", "errors")
    print(f"{'endpoint':<{width}}" + "".join(f"{head:>{max(8, len(head) + 2)}}" for head in heads))
    for name in sorted(times):
        ms = sorted(took for _at, took in times[name])
        during = sorted(took for at, took in times[name] if began <= at <= ended)
        print(
            f"{name:<{width}}{len(ms):>8}{percentile(ms, 50):>8.1f}{percentile(ms, 95):>8.1f}"
            f"{ms[-1]:>8.0f}{_ms(percentile(during, 95)):>19}{len(failures.get(name, [])):>8}"
        )
    summary = imported["summary"]
    print(
        f"import (flask trees import --commit, from {IMPORT_AFTER} s in): exit {imported['code']}, "
        f"{ended - began:.1f} s, {summary.get('created', 0):,} trees created, "
        f"{summary.get('errors', '?')} rows refused"
    )
    if imported["code"]:
        print(f"  the import said: {imported['said']}")
    for name, said in failures.items():
        print(f"  {name}: {len(said)} failed, e.g. {said[0]}")
    errors = sum(len(said) for said in failures.values()) + (1 if imported["code"] else 0)
    total = sum(len(ms) for ms in times.values())
    log = f" (locust's log: {WORK / 'locust.log'})" if failures else ""
    print(f"requests: {total:,}; errors: {errors}{log}")
    return errors


def percentile(ordered: list[float], share: int) -> float | None:
    """The nearest-rank percentile of sorted times; None when there are none."""
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share / 100 * len(ordered)) - 1))]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main())
