"""System checks on stored supervision data: `oversight check --database default` (and migrate).

They read the database, so, as Django does for its own database checks, they run only when the
check is given a database."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError

from oversight.formatting import long_date
from oversight.supervision.models import Agreement, readable_frequency


@checks.register(checks.Tags.database)
def unreadable_agreed_frequencies(
    databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Agreements in force whose stored frequency cannot be read (stored before it was checked).

    Pages treat such an agreement as agreeing no frequency, so the policy's applies; this says
    which they are and how to put them right."""
    if not databases:
        return []
    found: list[checks.CheckMessage] = []
    try:
        agreements = list(
            Agreement.objects.in_force()
            .exclude(frequency="")
            .select_related("staff", "supervisor")
            .order_by("staff__name", "pk")
        )
    except DatabaseError:  # migrate checks before it creates the tables: nothing stored yet
        return []
    for agreement in agreements:
        if readable_frequency(agreement.frequency) is not None:
            continue
        assert agreement.signed_date is not None  # in_force() agreements are signed
        found.append(
            checks.Warning(
                f"The supervision agreement for {agreement.staff.name} "
                f"({agreement.staff.staff_id}) signed {long_date(agreement.signed_date)} "
                f"(agreement {agreement.pk}) has the frequency {agreement.frequency!r}, which "
                "cannot be read, so the policy's frequency applies to them.",
                hint=(
                    f"Ask {agreement.supervisor.name} to agree a new one with "
                    f"{agreement.staff.name}, with a frequency such as 14d or 1m, or empty to "
                    "follow the policy (Agreements, then their name). A signed agreement is "
                    "kept as it was signed, never edited."
                ),
                obj=agreement,
                id="oversight.W002",
            )
        )
    return found
