"""Throttling per token (DRF's): a runaway integration slows itself down, not the council.

Rates are in settings.OVERSIGHT_API_THROTTLE, read on each request (DRF's own reads its settings
once at import, so tests could not change them). Counts live in the cache, per process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from oversight.api.models import ApiToken


class _TokenThrottle(SimpleRateThrottle):
    def get_rate(self) -> str:
        return str(settings.OVERSIGHT_API_THROTTLE[self.scope])

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        ident = request.auth.pk if isinstance(request.auth, ApiToken) else self.get_ident(request)
        return str(self.cache_format % {"scope": self.scope, "ident": ident})


class ReadThrottle(_TokenThrottle):
    scope = "read"


class WriteThrottle(_TokenThrottle):
    scope = "write"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(super().allow_request(request, view))
