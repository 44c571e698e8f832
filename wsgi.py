"""The WSGI entry point for gunicorn and the flask command."""

from smarttrees import create_app

app = create_app()
