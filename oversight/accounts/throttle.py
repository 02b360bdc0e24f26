"""Throttling wrong passwords without letting a stranger lock anyone out.

Three limits, each answering a different attack (OVERSIGHT_SIGN_IN_THROTTLE in settings):

- Per account, from anywhere: after 5 wrong passwords each further try must wait, 30 seconds at
  first and doubling up to 15 minutes. Guessing one person's password from many addresses gets a
  few dozen tries a day. The password is not checked while the wait runs.
- Per address, for any accounts: 30 wrong passwords in 15 minutes stop that address for 15
  minutes, so trying one password on every account ("spraying") is slow too.
- A browser that has signed in to an account before carries a signed cookie saying so. It is not
  held by either limit above for that account, only by its own (5 wrong passwords in 15 minutes).
  So a stranger typing wrong passwords for a colleague's username, from the same office or
  anywhere else, delays only browsers that never signed in as that person.

Every refusal is in the audit trail (the sign-in view records it).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import pluralize
from django.utils import timezone

from oversight.accounts.models import SignInFailure
from oversight.audit.trail import client_ip

BROWSER_COOKIE = "oversight_browser"
_SALT = "oversight.accounts.throttle.browser"
# Long enough to cover holidays and long leave; renewed at each sign-in.
_BROWSER_COOKIE_AGE = 400 * 24 * 60 * 60


@dataclass(frozen=True)
class Refusal:
    reason: str  # for the audit trail
    message: str  # for the person
    wait: dt.timedelta


def _rules() -> dict[str, Any]:
    return dict(settings.OVERSIGHT_SIGN_IN_THROTTLE)


def _account(username: str) -> str:
    return username.strip().lower()[:150]


def _now() -> dt.datetime:
    return timezone.now()


def known_browser(request: HttpRequest, username: str) -> str:
    """The id of this browser if it has signed in to this account before, else ""."""
    cookie = request.COOKIES.get(BROWSER_COOKIE, "")
    if not cookie:
        return ""
    try:
        data = signing.loads(cookie, salt=_SALT)
    except signing.BadSignature:
        return ""
    accounts = data.get("accounts", []) if isinstance(data, dict) else []
    browser = data.get("browser", "") if isinstance(data, dict) else ""
    return str(browser) if _account(username) in accounts and browser else ""


def refusal(request: HttpRequest, username: str) -> Refusal | None:
    """Why this attempt must not have its password checked now, or None to go ahead."""
    rules, now = _rules(), _now()
    account = _account(username)
    browser = known_browser(request, username)
    window_start = now - rules["window"]
    if browser:
        recent = SignInFailure.objects.filter(
            username=account, browser=browser, at__gte=window_start
        )
        if recent.count() >= rules["browser_failures"]:
            return _refused("too many wrong passwords on this browser", recent, rules["window"])
        return None

    address = client_ip(request)
    if address is not None:
        from_address = SignInFailure.objects.filter(ip_address=address, at__gte=window_start)
        if from_address.count() >= rules["address_failures"]:
            return _refused(
                "too many wrong passwords from this address", from_address, rules["window"]
            )

    failures = SignInFailure.objects.filter(
        username=account, browser="", at__gte=now - rules["account_memory"]
    )
    count = failures.count()
    if count < rules["account_free_failures"]:
        return None
    doublings = count - rules["account_free_failures"]
    wait = min(rules["account_first_wait"] * 2 ** min(doublings, 30), rules["account_longest_wait"])
    last = failures.order_by("-at").values_list("at", flat=True).first()
    if last is None or now - last >= wait:
        return None
    return Refusal(
        reason="waiting after wrong passwords",
        message=_message(last + wait - now),
        wait=last + wait - now,
    )


def _refused(reason: str, failures: Any, window: dt.timedelta) -> Refusal:
    oldest = failures.order_by("at").values_list("at", flat=True).first()
    wait = (oldest + window - _now()) if oldest else window
    return Refusal(reason=reason, message=_message(wait), wait=wait)


def _message(wait: dt.timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        unit = f"{seconds} second{pluralize(seconds)}"
    else:
        minutes = math.ceil(seconds / 60)
        unit = f"{minutes} minute{pluralize(minutes)}"
    return (
        f"You have tried to sign in too many times. Wait {unit} and try again, "
        "or ask your system administrator"
    )


def record_failure(request: HttpRequest, username: str) -> None:
    if not username.strip():
        return
    SignInFailure.objects.create(
        username=_account(username),
        ip_address=client_ip(request),
        browser=known_browser(request, username),
        at=_now(),
    )
    # Nothing older than the longest any rule looks back is needed again.
    rules = _rules()
    oldest_needed = _now() - max(rules["account_memory"], rules["window"])
    SignInFailure.objects.filter(at__lt=oldest_needed).delete()


def signed_in(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a right password: forget the account's wrong ones, and remember this browser."""
    account = _account(username)
    SignInFailure.objects.filter(username=account).delete()
    browser, accounts = "", []
    cookie = request.COOKIES.get(BROWSER_COOKIE, "")
    if cookie:
        try:
            data = signing.loads(cookie, salt=_SALT)
            browser, accounts = str(data["browser"]), [str(a) for a in data["accounts"]]
        except (signing.BadSignature, KeyError, TypeError):
            browser, accounts = "", []
    browser = browser or secrets.token_hex(16)
    # A shared computer keeps a few accounts; the most recent first.
    accounts = [account, *[a for a in accounts if a != account]][:5]
    response.set_cookie(
        BROWSER_COOKIE,
        signing.dumps({"browser": browser, "accounts": accounts}, salt=_SALT),
        max_age=_BROWSER_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
