"""The servers a benchmark compares: the app under gunicorn, and TiPg from its own venv."""

import os
import subprocess
import sys
import time

import requests

from smarttrees.config import ROOT

APP_PORT, TIPG_PORT = 5091, 5092
BENCH_VENV = ROOT / "var" / "bench-venv"


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def ensure_free(port: int) -> None:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
    except requests.ConnectionError:
        return
    raise RuntimeError(f"port {port} is taken: stop what runs there first")


def start_app(database_url: str) -> subprocess.Popen:
    ensure_free(APP_PORT)
    env = dict(os.environ, DATABASE_URL=database_url, SMARTTREES_PUBLIC_MAP="1")
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-w",
        "3",
        "-b",
        f"127.0.0.1:{APP_PORT}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env)
    wait_for(f"http://127.0.0.1:{APP_PORT}/tiles/trees/0/0/0.pbf")
    return process


def start_tipg(database_url: str) -> subprocess.Popen:
    ensure_free(TIPG_PORT)
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "tipg==1.6.1", "uvicorn==0.54.0"],
            check=True,
        )
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TIPG_DB_SCHEMAS='["public"]',
    )
    cmd = [
        str(python),
        "-m",
        "uvicorn",
        "tipg.main:app",
        "--port",
        str(TIPG_PORT),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(cmd, env=env)
    wait_for(f"http://127.0.0.1:{TIPG_PORT}/collections")
    return process
