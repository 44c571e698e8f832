"""schema/ holds the database's functions and triggers as the migrations leave them."""

import re

import pytest
from sqlalchemy import text

from smarttrees.config import ROOT
from smarttrees.extensions import db

pytestmark = pytest.mark.external

SCHEMA = ROOT / "schema"
# SmartTrees' own: not PostGIS's (an extension's) nor the job queue's (procrastinate's).
FUNCTIONS_SQL = """
SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc AS p
  JOIN pg_namespace AS n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proname NOT LIKE 'procrastinate%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')"""
TRIGGERS_SQL = """
SELECT tgname, pg_get_triggerdef(oid, true) FROM pg_trigger
 WHERE NOT tgisinternal AND tgrelid::regclass::text NOT LIKE 'procrastinate%'"""
# A body between dollar quotes, or an SQL-standard body (RETURN …, BEGIN ATOMIC … END).
FUNCTION = re.compile(
    r"^CREATE OR REPLACE FUNCTION public\.(\w+)\(.*?"
    r"(?:^AS (\$\w*\$).*?\2|^RETURN .*?(?=;$)|^BEGIN ATOMIC.*?^END(?=;$))",
    re.S | re.M,
)
TRIGGER = re.compile(r"^CREATE (?:CONSTRAINT )?TRIGGER (\w+) .*?;$", re.M)


def _written() -> tuple[dict[str, str], dict[str, str]]:
    functions, triggers = {}, {}
    for path in sorted(SCHEMA.glob("*.sql")):
        sql = path.read_text()
        for match in FUNCTION.finditer(sql):
            assert match.group(1) not in functions, f"{match.group(1)} is written twice"
            functions[match.group(1)] = match.group(0)
        for match in TRIGGER.finditer(sql):
            triggers[match.group(1)] = match.group(0).removesuffix(";")
    return functions, triggers


def _differences(kind: str, database: dict[str, str], written: dict[str, str]) -> list[str]:
    found = []
    for name in sorted(database.keys() - written.keys()):
        found.append(f"{kind} {name} is not in schema/; the database has:\n{database[name]}")
    for name in sorted(written.keys() - database.keys()):
        found.append(f"{kind} {name} is in schema/ but not in the migrated database")
    for name in sorted(database.keys() & written.keys()):
        if database[name].strip() != written[name].strip():
            found.append(f"{kind} {name} differs from schema/; the database has:\n{database[name]}")
    return found


def test_every_function_and_trigger_is_written_in_schema_as_the_database_has_it():
    functions = dict(db.session.execute(text(FUNCTIONS_SQL)).all())
    triggers = dict(db.session.execute(text(TRIGGERS_SQL)).all())
    written_functions, written_triggers = _written()
    assert len(functions) >= 17 and len(triggers) >= 12  # the query found them all
    problems = _differences("function", functions, written_functions)
    problems += _differences("trigger", triggers, written_triggers)
    assert not problems, "\n\n".join(problems)


def test_the_schema_readme_names_every_trigger():
    readme = (SCHEMA / "README.md").read_text()
    _, triggers = _written()
    assert [name for name in triggers if f"`{name}`" not in readme] == []
