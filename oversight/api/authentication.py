"""Who is calling the API: `Authorization: Bearer <token>`, the token an administrator made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from oversight.api.models import ApiToken

KEYWORD = b"bearer"
UNKNOWN_TOKEN = (
    "The token is not known or has been revoked. Check it was copied whole, or ask the system "
    "administrator for a new one."
)
BAD_HEADER = "Send the token as 'Authorization: Bearer <token>', with nothing else in the header."
PERSON_GONE = "The person this token acts for can no longer sign in, so neither can the token."
# Recording every use would write a row on every request; the minute is enough to see it is used.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise AuthenticationFailed(BAD_HEADER)
        token = ApiToken.find(words[1].decode("ascii", errors="replace"))
        if token is None:
            raise AuthenticationFailed(UNKNOWN_TOKEN)
        if token.user is not None and not token.user.is_active:
            raise AuthenticationFailed(PERSON_GONE)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (token.user or AnonymousUser(), token)

    def authenticate_header(self, request: Request) -> str:
        # Makes a missing token a 401 (with this header) rather than a 403.
        return 'Bearer realm="oversight-api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token to the interactive docs and to clients."""

    target_class = "oversight.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from the system administrator (`oversight api_token create`).",
        }
