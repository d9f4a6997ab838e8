"""Portal profile: contact details and password."""

from flask import flash, redirect, render_template, request, url_for

from core.web import current_host
from ..auth import CUSTOMER_KEY, current_customer, hash_password, verify_password
from ..sessions import start
from . import bp


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    customer = current_customer()
    errors = {}
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        phone = request.form.get("phone", "").strip()
        if email and "@" not in email:
            errors["email"] = "Enter a valid email address."
        new_password = request.form.get("new_password", "")
        if new_password:
            if not verify_password(customer.password_hash, request.form.get("current_password", "")):
                errors["current_password"] = "The current password is wrong."
            if len(new_password) < 8:
                errors["new_password"] = "Use at least 8 characters."
        if not errors:
            customer.email, customer.phone = email, phone[:32]
            if new_password:
                customer.password_hash = hash_password(new_password)
                start(CUSTOMER_KEY, customer)  # a new token: every other session of this customer ends
            current_host().db.session.commit()
            flash("Profile saved.", "success")
            return redirect(url_for(".profile"))
    return render_template("portal/profile.html", customer=customer, errors=errors), 422 if errors else 200
