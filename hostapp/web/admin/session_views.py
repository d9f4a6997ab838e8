"""Admin login and logout."""

from core.web import requires

from ...models import Admin
from ..auth import ADMIN_KEY
from ..login_views import login_view, logout_view
from . import bp


@bp.route("/login", methods=["GET", "POST"])
def login():
    return login_view(Admin, ADMIN_KEY, "admin.dashboard", "Splynx", "Administrator login")


@bp.post("/logout")
@requires("account")
def logout():
    return logout_view(ADMIN_KEY, Admin, "admin.login")
