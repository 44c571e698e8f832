"""What a backup promises about a database, read in SQL: every table's rows, a checksum of
them, and the Alembic revision; and the PostgreSQL client programs that match its server.

The checksum is the md5 of the rows' md5s in primary-key order, each row as PostgreSQL writes
it in text under fixed settings (UTC, ISO dates, shortest exact floats), so a database and its
restored copy give the same figures on any server, and any changed value changes the table's.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from smarttrees.errors import DomainError

# Row text written the same way whatever the server's or the session's defaults.
STABLE_TEXT = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)

# The tables pg_dump writes: the user's own, and of an extension's tables (PostGIS's
# spatial_ref_sys) only the rows its dump condition keeps (the systems the app added).
TABLES = """
SELECT format('%I.%I', n.nspname, c.relname) AS name,
       (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY k.ord)
          FROM pg_index i
          CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = c.oid AND i.indisprimary) AS key,
       (SELECT x.condition FROM pg_extension e,
               unnest(e.extconfig, e.extcondition) AS x(config, condition)
         WHERE x.config = c.oid) AS condition,
       EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype = 'e') AS of_extension
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
 ORDER BY 1
"""


class BackupFailed(DomainError):
    status = 500
    code = "backup_failed"


@dataclass(frozen=True)
class TableFacts:
    rows: int
    md5: str


def engine_for(url: str) -> Engine:
    """An engine of its own for a database named by URL, holding no connection once done."""
    return create_engine(make_url(url).set(drivername="postgresql+psycopg2"), poolclass=NullPool)


def table_facts(connection: Connection) -> dict[str, TableFacts]:
    """Rows and checksum of every table pg_dump would write, in the connection's transaction."""
    for setting in STABLE_TEXT:
        connection.execute(text(setting))
    facts = {}
    for name, key, condition, of_extension in connection.execute(text(TABLES)):
        if of_extension and not condition:
            continue  # an extension's own table, not dumped
        order = key or "md5(t::text)"  # no primary key: the row's own text orders it
        rows, md5 = connection.execute(
            text(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {order}),"
                f" '')) FROM {name} AS t {condition or ''}"
            )
        ).one()
        facts[name] = TableFacts(rows=rows, md5=md5)
    return facts


def alembic_revision(connection: Connection) -> str | None:
    """The migration the database is at; None before the first one."""
    if connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
        return None
    return connection.scalar(text("SELECT string_agg(version_num, ',') FROM alembic_version"))


def user_tables(connection: Connection) -> int:
    """How many tables hold anything of the app's (an extension's own tables do not count)."""
    return sum(
        1
        for _name, _key, condition, of_extension in connection.execute(text(TABLES))
        if not of_extension
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq takes it, and an environment carrying its password (kept off the
    command line, where every user of the machine could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_program(name: str, connection: Connection) -> str:
    """pg_dump or pg_restore of the server's major version: an older one refuses a newer
    server, and a dump is restored by the same major version that wrote it."""
    major = connection.scalar(text("SELECT current_setting('server_version_num')::int")) // 10000
    installed = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if installed.exists():
        return str(installed)
    on_path = shutil.which(name)
    if on_path:
        version = subprocess.run([on_path, "--version"], capture_output=True, text=True).stdout
        if version.split()[-1].split(".")[0] == str(major):
            return on_path
    raise BackupFailed(
        f"{name} {major} is needed for this server (PostgreSQL {major}) and was not found: "
        f"install postgresql-client-{major}."
    )


def run_program(args: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; its own words when it fails."""
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BackupFailed(
            "%(program)s failed: %(said)s",
            params={"program": Path(args[0]).name, "said": " | ".join(said)},
        )
