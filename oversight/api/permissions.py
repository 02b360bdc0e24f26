"""Who may call which endpoint: any token reads (what it may see, oversight/access/api.py);
writing needs the write scope."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from oversight.access.api import write_refusal
from oversight.access.queries import today
from oversight.api.models import ApiToken


class HasToken(BasePermission):
    message = "Send a token: 'Authorization: Bearer <token>'."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiToken)


class MayWrite(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        refusal = write_refusal(request.auth, today())
        if refusal is not None:
            self.message = refusal
            return False
        return True
