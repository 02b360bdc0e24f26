"""Council single sign-on identities linked to Oversight accounts.

An Entra ID person is named by their object id (`oid`) within their organisation's tenant
(`tid`). Neither can be changed by the person, unlike an email address or display name, so an
account is only ever found by the pair; an email address is never used to match.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExternalIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    tid = models.CharField(
        "tenant ID", max_length=64, help_text="The council's Entra ID tenant (directory) ID."
    )
    oid = models.CharField(
        "object ID", max_length=64, help_text="The person's object ID in that tenant."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "council sign-in identity"
        verbose_name_plural = "council sign-in identities"
        constraints = [
            models.UniqueConstraint(fields=["tid", "oid"], name="one_account_per_identity")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.oid} in tenant {self.tid})"


class SignInFailure(models.Model):
    """One wrong password, kept for as long as the throttle needs it (oversight.accounts.throttle).

    `username` is what was typed, folded to lower case, whether or not an account has it; `browser`
    is set when the attempt came from a browser that had signed in to that account before.
    """

    username = models.CharField(max_length=150)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    browser = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["username", "at"], name="failure_by_account"),
            models.Index(fields=["ip_address", "at"], name="failure_by_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at}"
