"""The start page: what the inventory holds."""

from flask import render_template

from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services import inventory
from smarttrees.web import bp


@bp.get("/")
@role_required(Role.VIEWER)
def home():
    return render_template("home.html", summary=inventory.summary())
