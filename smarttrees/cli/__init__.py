"""flask commands, grouped by noun: reference, demo, users, jobs, labels, trees, stands,
basemap, custody, backup, reports."""

from flask import Flask

from smarttrees.cli.admin import demo_cli, jobs_cli, reference_cli, users_cli
from smarttrees.cli.backup import backup_cli
from smarttrees.cli.custody import custody_cli
from smarttrees.cli.imports import stands_cli, trees_cli
from smarttrees.cli.labels import labels_cli
from smarttrees.cli.maps import basemap_cli
from smarttrees.cli.reports import reports_cli

GROUPS = (
    reference_cli,
    demo_cli,
    users_cli,
    jobs_cli,
    labels_cli,
    trees_cli,
    stands_cli,
    basemap_cli,
    custody_cli,
    backup_cli,
    reports_cli,
)


def register(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
