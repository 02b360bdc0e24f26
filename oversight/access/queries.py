"""Queries that start from what the user may see.

Everything here is computed from the organisation on a given day: line management rows active on
the day, allocations active on the day, deputising arrangements covering the day, and the user's
groups. Nothing is granted by storing a row against a user, so a change of supervisor, a transfer
of a case or the end of a period of cover changes access by itself.

The one expensive step is the management chain (everyone below the user, transitively). It is
found with one recursive query over LineManagement, at most MAX_DEPTH levels deep, and kept on
the user object for that day so a page that checks many objects does it once. Call
`forget(user)` after changing the organisation within the same request (tests do).

Superusers get nothing here. Django's `PermissionsMixin.has_perm` answers True for an active
superuser before asking any backend, so `user.has_perm(...)` must not be used for object checks;
use these functions, the predicates in `oversight.access.predicates`, or in templates
`{% test_rule "supervision.view_session" user session as ok %}`, which do not short-circuit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from oversight.access.models import Delegation
from oversight.access.staff import staff_of
from oversight.cases.models import Allocation, Case, CaseQuerySet
from oversight.organisation.models import LineManagement, Staff, StaffQuerySet
from oversight.supervision.models import (
    Agreement,
    AgreementQuerySet,
    JointSupervisee,
    Session,
    SessionQuerySet,
)
from oversight.unions import pk_in_any

if TYPE_CHECKING:
    pass

BUSINESS_SUPPORT = "Business support"
HR = "HR"
QUALITY_ASSURANCE = "Quality assurance"
ROLE_GROUPS = frozenset({BUSINESS_SUPPORT, HR, QUALITY_ASSURANCE})

# Deeper than any council's structure (director, head, service manager, team manager, senior
# practitioner, worker); the limit is there so bad data (a loop) cannot run away.
MAX_DEPTH = 10

_CACHE_ATTR = "_oversight_access_cache"


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Access:
    """What one user may reach on one day, computed once and reused by every check.

    `acting_as` is the user's own staff member plus every manager they deputise for on the day;
    `managed` is everyone below those people in line management (not the people themselves: a
    deputy stands in for a manager's management duties, not for their personal file).
    """

    day: dt.date
    staff: Staff | None = None
    groups: frozenset[str] = frozenset()
    acting_as: frozenset[int] = frozenset()
    managed: frozenset[int] = frozenset()
    # The teams of everyone in `managed_staff` (the dashboards' rules ask them several times).
    managed_teams: frozenset[int] = frozenset()
    deputising_for: frozenset[int] = frozenset()

    @property
    def staff_pk(self) -> int | None:
        return self.staff.pk if self.staff is not None else None

    @property
    def is_qa(self) -> bool:
        return QUALITY_ASSURANCE in self.groups

    @property
    def is_hr(self) -> bool:
        return HR in self.groups

    @property
    def is_business_support(self) -> bool:
        return BUSINESS_SUPPORT in self.groups

    def manages(self, staff: Staff | None) -> bool:
        return staff is not None and staff.pk in self.managed and _active(staff, self.day)

    def is_self(self, staff: Staff | None) -> bool:
        return staff is not None and self.staff is not None and staff.pk == self.staff.pk

    def in_line(self, staff: Staff | None) -> bool:
        """The person themselves, or someone below them in line management on the day."""
        return self.is_self(staff) or self.manages(staff)

    @property
    def manages_anyone(self) -> bool:
        return bool(self.managed)

    def managed_staff(self) -> StaffQuerySet:
        """Everyone below the user in line management, their own or a deputised chain, active on
        the day."""
        return Staff.objects.filter(pk__in=self.managed).active_on(self.day)


def _active(staff: Staff, day: dt.date) -> bool:
    return staff.start_date <= day and (staff.end_date is None or staff.end_date >= day)


def has_left(staff: Staff, day: dt.date) -> bool:
    """Their last working day is before `day`: their file has passed to HR (N 11.2)."""
    return staff.end_date is not None and staff.end_date < day


def is_line_manager(
    me: Staff | None, staff: Staff, day: dt.date, *, covering_for: Collection[int] = ()
) -> bool:
    """`me` is `staff`'s line manager on `day`, or deputises for (is `covering_for`) the manager
    who is. Nobody is their own line manager."""
    if me is None or me.pk == staff.pk:
        return False
    manager = staff.line_manager_on(day)
    return manager is not None and (manager.pk == me.pk or manager.pk in covering_for)


def staff_below(staff: Staff, day: dt.date) -> StaffQuerySet:
    """Everyone below `staff` in their own line management (not the chains of managers they
    deputise for), active on `day`."""
    return Staff.objects.filter(pk__in=chain_below({staff.pk}, day) - {staff.pk}).active_on(day)


def chain_below(roots: set[int], day: dt.date, max_depth: int = MAX_DEPTH) -> set[int]:
    """Everyone below `roots` in line management active on `day`, to `max_depth` levels."""
    return set(_chain_below(roots, day, max_depth))


def _chain_below(
    roots: set[int], day: dt.date, max_depth: int = MAX_DEPTH
) -> dict[int, int | None]:
    """Everyone below `roots` in line management active on `day`, to `max_depth` levels, each
    with their team if they work here on the day (None if they have no team or do not).

    One recursive query: asked level by level from Python, a director's chain took six queries
    and 30 ms, most of it sending each level's ids back as the next level's `IN` list, and their
    teams another 15 ms the same way. Someone reached by two paths, or a loop in the data, is
    found once: each level keeps distinct people, and no level goes deeper than `max_depth`.
    """
    if not roots:
        return {}
    line = connection.ops.quote_name(LineManagement._meta.db_table)
    staff = connection.ops.quote_name(Staff._meta.db_table)
    active = "{0}.start_date <= %s AND ({0}.end_date IS NULL OR {0}.end_date >= %s)"
    sql = f"""
        WITH RECURSIVE below (staff_id, depth) AS (
            SELECT line.staff_id, 1 FROM {line} line
            WHERE line.manager_id IN ({", ".join(["%s"] * len(roots))})
              AND {active.format("line")}
            UNION
            SELECT line.staff_id, below.depth + 1 FROM {line} line
            JOIN below ON line.manager_id = below.staff_id
            WHERE below.depth < %s AND {active.format("line")}
        )
        SELECT DISTINCT below.staff_id,
            CASE WHEN {active.format("staff")} THEN staff.team_id END
        FROM below JOIN {staff} staff ON staff.id = below.staff_id
    """  # the tables' names from the models; everything else a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*roots, day, day, max_depth, day, day, day, day])
        return dict(cursor.fetchall())


def access_for(user: Any, day: dt.date | None = None) -> Access:
    """The user's reach on `day` (today if not given), cached on the user object per day."""
    day = day or today()
    if user is None or not getattr(user, "is_authenticated", False):
        return Access(day=day)
    if not user.is_active or user.is_superuser:
        # Running the system is not a reason to read supervision; see the module docstring.
        return Access(day=day)
    cache: dict[dt.date, Access] = getattr(user, _CACHE_ATTR, None) or {}
    if day in cache:
        return cache[day]

    groups = frozenset(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
    staff = staff_of(user)
    if staff is None or not _active(staff, day):
        # A leaver's account (or one not linked to a member of staff) has no line role.
        access = Access(day=day, groups=groups)
    else:
        deputising_for = frozenset(
            Delegation.objects.active_on(day)
            .filter(deputy=staff)
            .values_list("from_manager_id", flat=True)
        )
        acting_as = frozenset({staff.pk, *deputising_for})
        below = _chain_below(set(acting_as), day)
        access = Access(
            day=day,
            staff=staff,
            groups=groups,
            acting_as=acting_as,
            managed=frozenset(below),
            managed_teams=frozenset(team for team in below.values() if team is not None),
            deputising_for=deputising_for,
        )
    cache[day] = access
    setattr(user, _CACHE_ATTR, cache)
    return access


def forget(user: Any) -> None:
    """Drop the cached reach (after changing line management or delegations mid-request)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# Querysets ------------------------------------------------------------------------------------
#
# Each returns a lazy queryset whose filter holds the already computed pks, so listing costs one
# query on top of computing the reach (which is cached).


def _line_staff_q(access: Access, prefix: str = "") -> Q:
    """Staff the user reaches through line management: themselves and who they manage."""
    if access.staff is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}pk": access.staff.pk}) | Q(
        **{f"{prefix}pk__in": access.managed_staff().values("pk")}
    )


def visible_staff(user: Any, day: dt.date | None = None) -> StaffQuerySet:
    """People whose supervision overview the user may open."""
    access = access_for(user, day)
    if access.is_qa:
        return Staff.objects.all()
    q = _line_staff_q(access)
    if access.is_business_support:
        # Business support create files and add to them, so they need to find anyone not yet
        # gone, including new starters before their first day.
        q |= Q(end_date__isnull=True) | Q(end_date__gte=access.day)
    if access.is_hr:
        q |= Q(end_date__lt=access.day)
    return Staff.objects.filter(q)


def visible_files(user: Any, day: dt.date | None = None) -> StaffQuerySet:
    """People whose supervision file (and so their agreements) the user may read."""
    access = access_for(user, day)
    if access.is_qa:
        return Staff.objects.all()
    q = _line_staff_q(access)
    if access.is_hr:
        q |= Q(end_date__lt=access.day)
    return Staff.objects.filter(q)


def visible_agreements(user: Any, day: dt.date | None = None) -> AgreementQuerySet:
    """Agreements are section 2 of the supervision file (N 11.3): they follow the file."""
    access = access_for(user, day)
    if access.is_qa:
        return Agreement.objects.all()
    return Agreement.objects.filter(staff__in=visible_files(user, access.day).values("pk"))


# How many people below someone make their records most of the council's (a director, an
# assistant director), for `_sessions_q`.
WIDE_REACH = 200


def _sessions_q(access: Access) -> Q:
    """The sessions the user may read.

    For most people, one `pk IN (... UNION ALL ...)` of parts PostgreSQL answers from an index
    (the supervisee, the joint supervisees, the leader of a group, its attendees). OR-ed together
    as conditions on the session instead, they hid those indexes, and a manager's records list
    walked every session of the council (130 ms rather than 15 at the largest council). For
    someone whose reach is most of the council, the other way round: gathering 100,000 ids from
    the index and joining them back took a director's records list 0.9 s, where filtering every
    session by its supervisee takes 0.26 s.
    """
    if access.staff is None:
        return Q(pk__in=[])
    me, managed = access.staff, access.managed_staff().values("pk")
    sessions, groups = Session.objects.all(), Session.objects.filter(supervisee__isnull=True)
    # A joint supervision is in each of its supervisees' files (B 3.1.10). A group has no
    # supervisee: it belongs to whoever led it, the managers above them, and the people who
    # attended it (not everyone in the team: business support sit in teams too).
    others = [
        JointSupervisee.objects.filter(staff=me).values("session"),
        JointSupervisee.objects.filter(staff__in=managed).values("session"),
        groups.filter(supervisor__in=access.acting_as).values("pk"),
        groups.filter(supervisor__in=managed).values("pk"),
        groups.filter(group_record__attendees=me).values("pk"),
    ]
    if len(access.managed) > WIDE_REACH:
        return Q(supervisee=me) | Q(supervisee__in=managed) | pk_in_any(others)
    return pk_in_any(
        [
            sessions.filter(supervisee=me).values("pk"),
            sessions.filter(supervisee__in=managed).values("pk"),
            *others,
        ]
    )


def visible_sessions(user: Any, day: dt.date | None = None) -> SessionQuerySet:
    """Sessions (and so records) the user may read."""
    access = access_for(user, day)
    if access.is_qa:
        return Session.objects.all()
    return Session.objects.filter(_sessions_q(access))


def visible_cases(user: Any, day: dt.date | None = None) -> CaseQuerySet:
    """Children's cases (and their case notes) the user may see: by allocation on the day."""
    access = access_for(user, day)
    if access.is_qa:
        return Case.objects.all()
    if access.staff is None:
        return Case.objects.none()
    workers = _line_staff_q(access)
    return Case.objects.filter(
        pk__in=Allocation.objects.active_on(access.day)
        .filter(worker__in=Staff.objects.filter(workers).values("pk"))
        .values("case")
    )
