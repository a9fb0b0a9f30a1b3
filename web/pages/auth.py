"""Signing in and out, with failed sign-ins throttled per account.

After ``[web] max_failed_logins`` wrong passwords in a row an account is paused for ``lockout_minutes``.
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
from casework.core import clock
from casework.models import User
from web import database
from web.pages.forms import SignInForm, error_list
from web.pages.presenters import home_for

bp = Blueprint("auth", __name__)

_UNKNOWN_USER = User(username="", role="", password_hash=accounts.hash_password("an unguessable placeholder"))


@dataclass(frozen=True)
class Throttle:
    max_failed: int
    lockout: dt.timedelta

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Throttle:
        web = settings.get("web", {})
        return cls(max(1, int(web.get("max_failed_logins", 5))),
                   dt.timedelta(minutes=int(web.get("lockout_minutes", 15))))

    def message(self) -> str:
        minutes = int(self.lockout.total_seconds() // 60)
        return (f"Enter a correct username and password. After {self.max_failed} wrong attempts in a row, "
                f"an account is paused for {minutes} minutes.")


class Paused(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def check_sign_in(username: str, password: str, throttle: Throttle) -> User | None:
    """The user when the password is right and the account not paused; counts the failure otherwise."""
    db = database()
    now = clock.now()
    with db.transaction() as session_:
        user = session_.scalars(select(User).where(User.username == username.strip()).with_for_update(of=User)).first()
        if user is None or not user.active:
            accounts.password_matches(_UNKNOWN_USER, password)  # the same work as a real check
            return None
        right = accounts.password_matches(user, password)
        if user.locked_until is not None and _aware(user.locked_until) > now:
            if right:
                raise Paused(_aware(user.locked_until))
            return None
        if right:
            user.failed_logins, user.locked_until = 0, None
            return user
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
            user = check_sign_in(form.username.data, form.password.data, throttle)
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
    logout_user()
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.get("/signed-out")
def signed_out():
    return render_template("auth/signed_out.html")


@bp.get("/")
@login_required
def home():
    return redirect(url_for(home_for(current_user.role)))
