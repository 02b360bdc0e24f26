"""Signing in and out with a password, the second-factor code, and setting up that factor.

Every sign-in, failed sign-in, sign-out and change to a person's second factor is written to the
audit trail here, in the view that does it, rather than from Django's signals: the view knows how
the person signed in and why an attempt failed. Wrong passwords are throttled by
oversight.accounts.throttle.
"""

from __future__ import annotations

import base64
import binascii
import math
import secrets
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import recovery, throttle
from oversight.accounts.forms import SecurityCodeForm, SignInCodeForm
from oversight.accounts.middleware import needs_second_factor, note_sign_in
from oversight.audit.trail import audit
from oversight.web.requests import AuthenticatedHttpRequest

SETUP_KEY = "oversight_totp_setup_key"
CODES_TO_SHOW = "oversight_recovery_codes_to_show"
NEW_RECOVERY_CODES = "new_recovery_codes"


def safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: the page asked for, if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def code_page_for(next_url: str) -> str:
    return f"{reverse('sign_in_code')}?{urlencode({'next': next_url})}"


def _sign_in_page(
    request: HttpRequest,
    form: AuthenticationForm,
    *,
    refusal_message: str = "",
    status: int = 200,
) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "next": next_url,
            "locked_out": bool(refusal_message),
            "lockout_message": refusal_message,
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_url": reverse("oidc_authentication_init")
            + (f"?{urlencode({'next': next_url})}" if next_url else ""),
        },
        status=status,
    )


def _audit_failed_sign_in(request: HttpRequest, username: str, reason: str) -> None:
    account = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username})
    user = account.first()
    audit(
        AnonymousUser(),
        "sign_in_failed",
        request=request,
        object_type="auth.user",
        object_id=user.pk if user else "",
        object_label=username,
        detail={"method": "password", "reason": reason},
    )


@login_not_required
@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _sign_in_page(request, AuthenticationForm(request))

    username = request.POST.get("username", "").strip()
    # Checked before the password, so a refused attempt learns nothing about it.
    refused = throttle.refusal(request, username) if username else None
    if refused is not None:
        _audit_failed_sign_in(request, username, refused.reason)
        # Unbound, so the form does not try the password; the username stays in the box.
        form = AuthenticationForm(request, initial={"username": username})
        return _sign_in_page(
            request, form, refusal_message=refused.message, status=HTTPStatus.TOO_MANY_REQUESTS
        )

    form = AuthenticationForm(request, data=request.POST)
    if form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        note_sign_in(request)
        asked = needs_second_factor(request)
        audit(
            user,
            "sign_in",
            user,
            request=request,
            detail={"method": "password", "second_factor": "asked" if asked else "not set up"},
        )
        next_url = safe_next(request)
        response = redirect(code_page_for(next_url) if asked else next_url)
        throttle.signed_in(request, response, username)
        return response

    if username and request.POST.get("password"):
        throttle.record_failure(request, username)
        _audit_failed_sign_in(request, username, "wrong username or password")
    return _sign_in_page(request, form)


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit(request.user, "sign_out", request.user, request=request)
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _confirmed_device(user: Any) -> TOTPDevice | None:
    # The authenticator app; recovery codes are a StaticDevice beside it.
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _code_refusal(device: TOTPDevice | StaticDevice, code: str) -> str | None:
    """None if the app's code is right; otherwise what to tell the person.

    django-otp makes each wrong code double the wait before the next is checked (1 s, 2 s, 4 s
    ...), so guessing all million codes is not possible within a code's life.
    """
    allowed, throttled = device.verify_is_allowed()
    if not allowed:
        wait = max(1, math.ceil((throttled["locked_until"] - timezone.now()).total_seconds()))
        minutes = math.ceil(wait / 60)
        unit = (
            f"{wait} second{pluralize(wait)}"
            if wait < 60
            else f"{minutes} minute{pluralize(minutes)}"
        )
        return f"You have entered wrong codes. Wait {unit}, then enter the code your app shows"
    if device.verify_token(code):
        return None
    return "The security code is not correct. Enter the code your app shows now"


@sensitive_post_parameters("code")
@never_cache
def sign_in_code(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in, for people who have set up an authenticator app."""
    next_url = safe_next(request)
    device = _confirmed_device(request.user)
    # OTPMiddleware gives the user is_verified() as the request comes in; User has no such method.
    if device is None or request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)

    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        used: TOTPDevice | StaticDevice | None = device
        if not code.isdigit():
            used = recovery.device_for(request.user)
        refusal = (
            _code_refusal(used, code)
            if used is not None
            else "That recovery code is not right. Enter the code your app shows"
        )
        if refusal is None:
            otp_login(request, used)
            detail = {}
            if isinstance(used, StaticDevice):
                left = recovery.remaining(request.user)
                detail = {"with": "recovery code", "recovery_codes_left": left}
                messages.info(
                    request,
                    f"You used a recovery code. You have {left} left: make new ones on your "
                    "two-step verification page",
                )
            audit(
                request.user, "second_factor_passed", request.user, request=request, detail=detail
            )
            return redirect(next_url)
        audit(request.user, "second_factor_failed", request.user, request=request)
        form.add_error("code", refusal)
    return render(
        request, "accounts/sign_in_code.html", {"form": form, "next": request.GET.get("next")}
    )


def _setup_key(request: HttpRequest) -> str:
    # Kept in the session until the person proves their app has it: nothing is stored for a
    # half-finished set-up, and reloading the page keeps the QR code they already scanned.
    key = request.session.get(SETUP_KEY)
    if not key:
        key = binascii.hexlify(secrets.token_bytes(20)).decode()
        request.session[SETUP_KEY] = key
    return str(key)


def _setup_context(request: AuthenticatedHttpRequest, key: str) -> dict[str, Any]:
    device = TOTPDevice(user=request.user, key=key)
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
    )
    # A role, so assistive technology announces the SVG's <title> as an image's name.
    qr = qr.replace("<svg ", '<svg role="img" ', 1)
    return {
        # segno writes only the SVG's own elements and attributes, nothing from the user.
        "qr_svg": mark_safe(qr),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


def _make_recovery_codes(request: AuthenticatedHttpRequest) -> list[str]:
    """A new set of recovery codes for the signed-in person (the old ones stop working), audited
    with how many were made and never the codes themselves."""
    codes = recovery.make_new(request.user)
    audit(
        request.user,
        "recovery_codes_made",
        request.user,
        request=request,
        detail={"count": len(codes)},
    )
    return codes


@sensitive_post_parameters("code")
@never_cache
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up, or turn off, sign-in codes from an authenticator app."""
    device = _confirmed_device(request.user)
    form = SecurityCodeForm(request.POST or None)

    if device is not None:
        if request.method == "POST" and form.is_valid():
            refusal = _code_refusal(device, form.cleaned_data["code"])
            if refusal is None and request.POST.get("action") == NEW_RECOVERY_CODES:
                with transaction.atomic():
                    codes = _make_recovery_codes(request)
                request.session[CODES_TO_SHOW] = codes
                return redirect("two_factor")
            if refusal is None:
                with transaction.atomic():
                    for each in devices_for_user(request.user):
                        each.delete()
                    audit(
                        request.user,
                        "second_factor_removed",
                        request.user,
                        request=request,
                        detail={"device": "authenticator app"},
                    )
                messages.success(request, "Two-step verification is off")
                return redirect("two_factor")
            form.add_error("code", refusal)
        return render(
            request,
            "accounts/two_factor_on.html",
            {
                "form": form,
                "device": device,
                # Shown once: gone from the session as soon as this page is drawn.
                "new_codes": request.session.pop(CODES_TO_SHOW, None),
                "codes_left": recovery.remaining(request.user),
                "new_codes_action": NEW_RECOVERY_CODES,
            },
        )

    key = _setup_key(request)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(binascii.unhexlify(key), step=30, digits=6)
        if totp.verify(int(form.cleaned_data["code"]), tolerance=1):
            with transaction.atomic():
                device = TOTPDevice.objects.create(
                    user=request.user,
                    key=key,
                    name="Authenticator app",
                    confirmed=True,
                    last_t=totp.t(),
                )
                audit(
                    request.user,
                    "second_factor_added",
                    request.user,
                    request=request,
                    detail={"device": "authenticator app"},
                )
                codes = _make_recovery_codes(request)
            del request.session[SETUP_KEY]
            request.session[CODES_TO_SHOW] = codes
            otp_login(request, device)
            messages.success(request, "Two-step verification is on")
            return redirect("two_factor")
        form.add_error(
            "code",
            "The security code is not correct. Check the key in your app and enter the code "
            "it shows now",
        )
    return render(
        request, "accounts/two_factor_setup.html", {"form": form, **_setup_context(request, key)}
    )
