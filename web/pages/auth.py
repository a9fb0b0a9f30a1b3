"""Signing in and out, with failed sign-ins throttled per account and per address; setting a password by link.

After ``[web] max_failed_logins`` wrong passwords in a row an account is paused for ``lockout_minutes``, and
after ``max_failed_logins_per_address`` wrong sign-ins from one address within ``lockout_minutes`` (whatever
usernames were tried) that address must wait, so one guesser cannot keep pausing everyone's accounts: while
an address waits its attempts are not checked at all, and count against no account.
Every wrong sign-in gets the same words whether or not the username exists, and an unknown username costs
the same argon2 work as a known one, so neither the message nor the timing tells a guesser who has an
account. Only someone who gives the right password for a paused account is told it is paused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from casework import accounts
from casework.accounts import sessions as server_sessions
from casework.core import clock
from casework.core.errors import CaseworkError
from casework.models import User
from web import database
from web.pages.forms import SetPasswordForm, SignInForm, attach_error, error_list
from web.pages.presenters import home_for

bp = Blueprint("auth", __name__)

_UNKNOWN_USER = User(username="", role="", password_hash=accounts.hash_password("an unguessable placeholder"))


@dataclass(frozen=True)
class Throttle:
    max_failed: int
    lockout: dt.timedelta
    max_per_address: int = 30

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Throttle:
        web = settings.get("web", {})
        return cls(max(1, int(web.get("max_failed_logins", 5))),
                   dt.timedelta(minutes=int(web.get("lockout_minutes", 15))),
                   max(1, int(web.get("max_failed_logins_per_address", 30))))

    def message(self) -> str:
        minutes = int(self.lockout.total_seconds() // 60)
        return (f"Enter a correct username and password. After {self.max_failed} wrong attempts in a row, "
                f"an account is paused for {minutes} minutes.")


class Paused(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until


class AddressPaused(Exception):
    """Too many wrong sign-ins from this address lately."""


_aware = server_sessions.aware


def check_sign_in(username: str, password: str, throttle: Throttle, address: str = "") -> User | None:
    """The user when the password is right and the account not paused; counts the failure otherwise."""
    db = database()
    now = clock.now()
    with db.transaction() as session_:
        if server_sessions.address_paused(session_, address, throttle.max_per_address, throttle.lockout):
            raise AddressPaused()
        user = session_.scalars(select(User).where(User.username == username.strip()).with_for_update(of=User)).first()
        if user is None or not user.active:
            accounts.password_matches(_UNKNOWN_USER, password)  # the same work as a real check
            server_sessions.count_failure(session_, address)
            return None
        right = accounts.password_matches(user, password)
        if user.locked_until is not None and _aware(user.locked_until) > now:
            if right:
                raise Paused(_aware(user.locked_until))
            server_sessions.count_failure(session_, address)
            return None
        if right:
            user.failed_logins, user.locked_until = 0, None
            return user
        server_sessions.count_failure(session_, address)
        user.failed_logins += 1
        if user.failed_logins >= throttle.max_failed:
            user.failed_logins, user.locked_until = 0, now + throttle.lockout
            current_app.logger.warning("account %s paused after %s failed sign-ins", user.id, throttle.max_failed)
        return None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, so a sign-in link cannot send someone elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for(home_for(current_user.role)))
    form = SignInForm()
    throttle = Throttle.from_settings(current_app.config["EHCP_SETTINGS"])
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            user = check_sign_in(form.username.data, form.password.data, throttle, request.remote_addr or "")
        except AddressPaused:
            user = None
            minutes = int(throttle.lockout.total_seconds() // 60)
            problems = [f"There have been too many wrong sign-ins from your network. Try again in {minutes} "
                        "minutes, or ask an administrator."]
        except Paused as paused:
            user = None
            minutes = max(1, -(-int((paused.until - clock.now()).total_seconds()) // 60))
            problems = [f"This account is paused after too many wrong passwords. Try again in {minutes} "
                        f"minute{'s' if minutes != 1 else ''}."]
        else:
            if user is None:
                problems = [throttle.message()]
        if user is not None:
            session.clear()  # a fresh session on sign-in: no fixation of an earlier one
            session.permanent = True
            session["sid"] = server_sessions.start(database(), user.id, request.remote_addr)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for(home_for(user.role)))
        form.password.data = ""
        status = 422
    elif form.is_submitted():
        status = 422
    errors = [{"text": problem, "href": "#username"} for problem in problems] + error_list(form)
    return render_template("auth/sign_in.html", form=form, errors=errors), status


@bp.post("/sign-out")
def sign_out():
    """End the session on the server, so a copy of the cookie opens nothing afterwards."""
    key = session.get("sid")
    if isinstance(key, str) and key:
        server_sessions.end(database(), key, "signed_out")
    logout_user()
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.route("/set-password/<key>", methods=["GET", "POST"])
def set_password(key: str):
    """A user added without a password sets one here, once, through the link an administrator gave them."""
    user = accounts.user_for_password_link(database(), key) if len(key) <= 100 else None
    if user is None:
        return render_template("auth/link_expired.html", title="This link has expired"), 404
    form = SetPasswordForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            attach_error(form, "confirm", "Enter the same password twice")
        else:
            try:
                accounts.set_password_by_link(database(), key, form.password.data)
            except CaseworkError as refused:
                if not attach_error(form, refused.field, refused.message, fallback="password"):
                    form_errors = [refused.message]
            else:
                return redirect(url_for("auth.sign_in", password_set=1))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/set_password.html", title="Set your password", form=form, username=user.username,
                           errors=error_list(form, form_errors)), status


@bp.get("/signed-out")
def signed_out():
    return render_template("auth/signed_out.html")


@bp.get("/")
@login_required
def home():
    return redirect(url_for(home_for(current_user.role)))
