"""Customer login and logout."""

from ...models import Customer
from ..auth import CUSTOMER_KEY
from ..login_views import login_view, logout_view
from . import bp


@bp.route("/login", methods=["GET", "POST"])
def login():
    return login_view(Customer, CUSTOMER_KEY, "portal.dashboard", "Customer portal", "Log in to your account")


@bp.post("/logout")
def logout():
    return logout_view(CUSTOMER_KEY, Customer, "portal.login")
