"""Who is doing something, for domain operations that audit what they do without a request.

A view makes one with `Actor.from_request(request)` and hands it to the operation, which passes it
on to the trail: the user and the address the request came from are recorded together, so an
operation run outside a request (a command, a test) can say who did it just as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest

from oversight.audit.models import AuditEvent
from oversight.audit.trail import audit, client_ip


@dataclass(frozen=True)
class Actor:
    user: Any
    address: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        return cls(user=request.user, address=client_ip(request))

    def audit(
        self,
        action: str,
        obj: models.Model | None = None,
        *,
        detail: Mapping[str, Any] | None = None,
        object_type: str | None = None,
    ) -> AuditEvent:
        """Append one entry to the trail in this actor's name."""
        return audit(
            self.user, action, obj, detail=detail, object_type=object_type, address=self.address
        )
