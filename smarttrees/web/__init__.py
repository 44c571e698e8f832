"""HTML pages, by area. Views parse the request, call one service, and render."""

from flask import Blueprint, Flask
from flask_babel import get_locale

from smarttrees.basemaps import basemap_info
from smarttrees.models import Role

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _template_globals() -> dict:
    from flask_babel import lazy_gettext as _l

    from smarttrees.web.printing import address_warning, layout_label

    return {
        "Role": Role,
        # A stand's deforestation-free verdict, as people read it.
        "verdict_names": {
            "deforestation_free": _l("Deforestation-free"),
            "flagged": _l("Flagged: check it before export"),
            "unknown": _l("Not yet shown"),
        },
        "get_locale": get_locale,
        "basemap_info": basemap_info,
        "layout_label": layout_label,
        "label_address_warning": address_warning,
    }


def register(app: Flask) -> None:
    from smarttrees.web import (  # noqa: F401
        account,
        account_settings,
        admin,
        assets,
        communes,
        custody,
        exports,
        field,
        harvests,
        home,
        import_review,
        imports,
        map,
        reports,
        species,
        trees,
    )

    app.register_blueprint(bp)
    app.register_blueprint(assets.vendor)
