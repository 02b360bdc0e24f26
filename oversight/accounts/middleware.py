"""Checks on every signed-in request: the sign-in's age, and a second factor once set up."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

SIGNED_IN_AT = "oversight_signed_in_at"


def note_sign_in(request: HttpRequest) -> None:
    """Start the clock on this sign-in (call straight after django.contrib.auth.login)."""
    request.session[SIGNED_IN_AT] = time.time()


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    # OTPMiddleware gives the request's user is_verified(): true once a code was accepted in this
    # session. A user just signed in by auth.login() has not been through it, nor given a code.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return bool(user_has_device(user, confirmed=True))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    # An htmx request would swap the sign-in page into part of the page: load it whole instead.
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SignInChecksMiddleware:
    """Ends a sign-in older than SESSION_COOKIE_AGE however busy the session has been (Django's
    own expiry moves on each time the session changes), and sends a person who has set up a
    second factor but not yet entered a code in this session to the code page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is not None and time.time() - signed_in_at > (
                settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                hours = settings.SESSION_COOKIE_AGE // 3600
                messages.info(request, f"You were signed out after {hours} hours. Sign in again.")
                query = urlencode({"next": request.get_full_path()})
                return _go(request, f"{reverse('login')}?{query}")
            exempt = {reverse("sign_in_code"), reverse("logout"), reverse("login")}
            if request.path not in exempt and needs_second_factor(request):
                query = urlencode({"next": request.get_full_path()})
                return _go(request, f"{reverse('sign_in_code')}?{query}")
        return self.get_response(request)
