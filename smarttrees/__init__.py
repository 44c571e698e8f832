"""SmartTrees: a web GIS for every tree and seedling lot of a forestry department."""

from flask import Flask

from smarttrees.config import Config


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(__name__, static_folder="../static", static_url_path="/static")
    app.config.from_object(Config())
    app.config.update(config or {})
    _bind_extensions(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_cli(app)
    return app


def _bind_extensions(app: Flask) -> None:
    from smarttrees import auth, extensions, headers, i18n, request_checks

    request_checks.register(app)  # first: no other hook sees text a database cannot store
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=app.config["MIGRATIONS_DIR"])
    extensions.csrf.init_app(app)
    extensions.login.init_app(app)
    i18n.init_app(app)
    auth.init_login(app)
    headers.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from smarttrees import api, web

    api.register(app)
    web.register(app)


def _register_error_handlers(app: Flask) -> None:
    from smarttrees import error_handlers

    error_handlers.register(app)


def _register_cli(app: Flask) -> None:
    from smarttrees import cli

    cli.register(app)
