"""Processes to hurt, for the fault tests: the app served by gunicorn, the job worker, and a
private PostgreSQL cluster that may be restarted (the project's own cluster is shared)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import requests

from smarttrees.config import ROOT

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, seconds: float = 60, every: float = 0.02):
    """The condition's first true value, polled until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(every)
    return value


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of an app process against `database_url` (libpq form)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "fault-tests"}
    env.pop("SMARTTREES_ENV", None)
    return env | settings


class Served:
    """The app in gunicorn with one worker, which the tests kill; the master starts another."""

    def __init__(self, env: dict[str, str], preexec: Callable[[], None] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "wsgi:app"]  # fmt: skip
        # Its log goes to a file: a pipe nobody reads fills up (64 KiB of tracebacks) and then
        # blocks the worker in the middle of a request.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (open while it serves)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, preexec_fn=preexec,
            stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.wait_ready()

    def worker_pid(self) -> int:
        return wait_for(lambda: [c.pid for c in psutil.Process(self.process.pid).children()])[0]

    def wait_ready(self) -> None:
        def answers() -> bool:
            assert self.process.poll() is None, self.output()
            try:
                return requests.get(self.url + "/login", timeout=5).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(answers, seconds=60, every=0.1)

    def kill_worker(self) -> int:
        """SIGKILL the worker that serves requests; the next one is ready on return."""
        pid = self.worker_pid()
        os.kill(pid, 9)
        wait_for(lambda: self.worker_pid() != pid)
        self.wait_ready()
        return pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        self.stop()
        self.log.seek(0)
        return self.log.read()


@contextmanager
def served(env: dict[str, str], preexec: Callable[[], None] | None = None) -> Iterator[Served]:
    server = Served(env, preexec)
    try:
        yield server
    finally:
        server.stop()


def flask_command(*args: str, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: root runs it as the postgres user (as scripts/db.sh)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivateCluster:
    """A PostgreSQL + PostGIS cluster of the test's own, in a temporary directory."""

    def __init__(self) -> None:
        # Under /tmp itself: the postgres user cannot reach pytest's folders of root.
        self.directory = Path(tempfile.mkdtemp(prefix="smarttrees-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "smarttrees", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.pg_ctl("start", "-w", "-t", "60")
        self._run("psql", self.url("postgres"), "-Xqc", "CREATE DATABASE smarttrees")
        self._run("psql", self.url("smarttrees"), "-Xqc", "CREATE EXTENSION postgis")

    def url(self, name: str = "smarttrees") -> str:
        return f"postgresql://smarttrees@127.0.0.1:{self.port}/{name}"

    def pg_ctl(self, action: str, *options: str) -> None:
        server = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.directory / "postgres.log",
                  "-o", server, *options, action)  # fmt: skip

    def remove(self) -> None:
        subprocess.run(_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m",
                                  "immediate", "stop"]), capture_output=True)  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)

    @staticmethod
    def _run(*command) -> None:
        subprocess.run(_as_owner([str(c) for c in command]), check=True, capture_output=True)
