"""Command groups whose failures end in one line: a domain error's message, or for anything
unexpected its kind, the traceback kept in var/log/cli.log."""

import json
import time
import traceback

import click
from flask.cli import AppGroup

from smarttrees.config import ROOT
from smarttrees.errors import DomainError


class DomainGroup(AppGroup):
    """Commands whose failures end in a one-line message and exit status 1: a domain error's
    own message, or for anything unexpected its kind, with the traceback kept in a log file."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            details = f" {json.dumps(error.details, ensure_ascii=False)}" if error.details else ""
            message = error.message % error.params if error.params else error.message
            raise click.ClickException(f"{message}{details}") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            log = ROOT / "var" / "log" / "cli.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as out:
                out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {ctx.command_path}\n")
                out.write(traceback.format_exc())
            raise click.ClickException(
                f"stopped on an unexpected error ({type(error).__name__}: "
                f"{str(error).splitlines()[0][:200] if str(error) else '-'}); "
                f"the details are in {log}"
            ) from None
