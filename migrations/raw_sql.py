"""Run a multi-statement SQL script as it is written (no driver parameter parsing of %)."""

from alembic import op


def run_script(sql: str) -> None:
    with op.get_bind().connection.driver_connection.cursor() as cursor:
        cursor.execute(sql)
