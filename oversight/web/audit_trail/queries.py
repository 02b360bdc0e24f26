"""Which audit entries are about a given member of staff's things, for their access history.

Who may search the trail, and which entries a search finds, are access rules: they are in
`oversight.access.audit_trail`.
"""

from __future__ import annotations

from typing import Any

from oversight.access.audit_trail import about_staff
from oversight.audit.models import AuditEvent, AuditEventQuerySet
from oversight.organisation.models import Staff

# Looking at or taking away someone's records: what a subject access request asks about.
ACCESS_ACTIONS = ("view", "download", "export")


def access_history(staff: Staff, user: Any) -> AuditEventQuerySet:
    """Every look at or download of this person's records, agreements and file by anyone else."""
    return AuditEvent.objects.filter(about_staff([staff.pk]), action__in=ACCESS_ACTIONS).exclude(
        actor=user
    )
