"""Tokens other systems (case management, council reporting) call the REST API with.

A token is shown once, when it is made; only its SHA-256 hash is kept. A random 32-byte secret
needs no slow hash: nobody can guess it, so a fast one cannot be attacked by guessing either, and
each request can check it cheaply. The prefix (the token's first characters) finds the row
without comparing every hash.

A token linked to a person's account acts as that person and sees exactly what they see in the
pages; a token with no person is a system's, which reads the whole organisation
(oversight/access/api.py holds both rules). Revoking sets `revoked_at`: the row stays, so the
audit trail's entries still name the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_START = "ovt_"
PREFIX_LENGTH = 8


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def in_use(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="Which system or person uses it, for example 'Case management system'.",
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name="person",
        help_text="Leave empty for a system's token (reads the whole organisation). A person's "
        "token sees exactly what that person sees in the pages.",
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def new_secret(self) -> str:
        """Give the token a fresh secret and return it, the only time it is seen in full."""
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        token = f"{TOKEN_START}{prefix}{secrets.token_urlsafe(32)}"
        self.prefix = prefix
        self.key_hash = _hash(token)
        return token

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.key_hash, _hash(token))

    @classmethod
    def issue(cls, name: str, scope: str, user: Any = None) -> tuple[ApiToken, str]:
        token = cls(name=name, scope=scope, user=user)
        secret = token.new_secret()
        token.save()
        return token, secret

    @classmethod
    def find(cls, token: str) -> ApiToken | None:
        """The token in use that `token` is, or None."""
        if not token.startswith(TOKEN_START):
            return None
        prefix = token[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
        found = cls.objects.in_use().select_related("user").filter(prefix=prefix).first()
        return found if found is not None and found.matches(token) else None
