"""Single sign-on with Microsoft Entra ID (OpenID Connect), for councils that use it.

A council identity is the pair of claims `tid` (the council's tenant) and `oid` (the person's
object id in it), read from the signed ID token. Accounts are found by that pair through
`ExternalIdentity` and never by email address: an address can be reassigned or typed into a
guest account, an object id cannot. A token from any other tenant is refused, and so is an
identity nobody has linked to an account, unless OIDC_CREATE_USERS says to create one.

mozilla-django-oidc checks the ID token's signature, expiry and nonce; this backend adds the
audience and issuer checks it leaves out.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from oversight.accounts.middleware import needs_second_factor, note_sign_in
from oversight.accounts.models import ExternalIdentity
from oversight.accounts.views import code_page_for
from oversight.audit.trail import audit

REFUSAL = "oversight_sso_refusal"


def _refuse(request: HttpRequest | None, reason: str, claims: dict[str, Any] | None = None) -> None:
    # The callback view reads this to say why, and to record it in the audit trail.
    if request is not None:
        claims = claims or {}
        tid, oid = str(claims.get("tid", "")), str(claims.get("oid", ""))
        setattr(request, REFUSAL, {"reason": reason, "tid": tid, "oid": oid})


class EntraIdBackend(OIDCAuthenticationBackend):
    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any] | None:
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError):
            _refuse(self.request, "invalid token")
            return None
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            _refuse(self.request, "token for another application", payload)
            return None
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            _refuse(self.request, "token from another issuer", payload)
            return None
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        userinfo: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        # Who the person is comes from the signed ID token, never from the user endpoint.
        return {**userinfo, "tid": payload.get("tid"), "oid": payload.get("oid")}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("tid") or not claims.get("oid"):
            _refuse(self.request, "no tenant or object id", claims)
            return False
        if claims["tid"] != settings.OIDC_TENANT_ID:
            _refuse(self.request, "another organisation's account", claims)
            return False
        return True

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            return None
        identity = (
            ExternalIdentity.objects.select_related("user")
            .filter(tid=claims["tid"], oid=claims["oid"])
            .first()
        )
        if identity is not None:
            if not identity.user.is_active:
                _refuse(self.request, "account switched off", claims)
                return None
            return identity.user
        if not settings.OIDC_CREATE_USER:
            _refuse(self.request, "identity not linked to an account", claims)
            return None
        return self.create_user(claims)

    def create_user(self, claims: dict[str, Any]) -> Any:
        user_model = get_user_model()
        username = str(claims.get("preferred_username") or claims["oid"])[:150]
        if user_model.objects.filter(username=username).exists():
            username = f"{username[:140]}-{claims['oid'][:8]}"
        with transaction.atomic():
            user = user_model.objects.create_user(
                username=username,
                email=claims.get("email", ""),
                first_name=claims.get("given_name", "")[:150],
                last_name=claims.get("family_name", "")[:150],
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            ExternalIdentity.objects.create(user=user, tid=claims["tid"], oid=claims["oid"])
            audit(
                None,
                "create",
                user,
                detail={"reason": "first council sign-in", "oid": claims["oid"]},
            )
        return user


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Council sign-in is not set up here.")


class CouncilSignInStart(OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        _enabled()
        return super().get(request)


class CouncilSignInCallback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        _enabled()
        return super().get(request)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        request = self.request
        note_sign_in(request)
        asked = needs_second_factor(request)
        audit(
            self.user,
            "sign_in",
            self.user,
            request=request,
            detail={"method": "council", "second_factor": "asked" if asked else "not set up"},
        )
        next_url = response["Location"]
        return HttpResponseRedirect(code_page_for(next_url) if asked else next_url)

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, REFUSAL, None) or {"reason": "sign-in not completed"}
        audit(
            AnonymousUser(),
            "sign_in_failed",
            request=self.request,
            object_type="accounts.externalidentity",
            object_label=refusal.get("oid", ""),
            detail={"method": "council", **refusal},
        )
        return render(
            self.request, "accounts/sso_refused.html", {"reason": refusal["reason"]}, status=403
        )


council_sign_in_start = login_not_required(CouncilSignInStart.as_view())
council_sign_in_callback = login_not_required(CouncilSignInCallback.as_view())
