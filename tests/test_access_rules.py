"""Who sees what: every role both ways, on explicit dates, against a small organisation.

Director
  head of service
    team manager A: worker A1 (case CA1), worker A2, leaver (left 28 Jun 2024, case CL)
    team manager B: worker B1 (case CB1)
    business support officer (also in the "Business support" group)
  conference chair
HR, QA and a superuser are not members of staff here.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template import Context, Template

from oversight import organisation
from oversight.access import queries
from oversight.access.agreements import (
    agreement_for_user,
    agreement_to_edit,
    can_confirm_agreement,
    can_edit_agreement,
    can_start_agreement,
    can_view_agreement,
)
from oversight.access.audit_trail import can_search_trail, searchable_events
from oversight.access.cases import case_for_user
from oversight.access.files import (
    can_create_file,
    can_destroy_files,
    can_upload_to_file,
    can_view_file,
    file_owner_for_user,
    file_to_upload_to,
    require_destroy_files,
    upload_only_files,
)
from oversight.access.models import Delegation
from oversight.access.people import (
    can_delegate,
    can_reassign_supervisees,
    can_record_leaver,
    can_view_staff,
    leaver_to_record,
    manages_anyone,
    person_for_user,
    reassign_candidates,
    supervisor_to_reassign,
    team_for_user,
)
from oversight.access.predicates import can_edit_record, can_view_case, can_view_record, require
from oversight.access.queries import (
    MAX_DEPTH,
    forget,
    visible_agreements,
    visible_cases,
    visible_files,
    visible_sessions,
    visible_staff,
)
from oversight.access.staff import staff_of
from oversight.cases.models import Allocation, Case
from oversight.organisation.models import LineManagement, Staff
from oversight.supervision.models import JointSupervisee, SessionCase
from tests.factories import (
    AgreementFactory,
    AllocationFactory,
    CaseFactory,
    DelegationFactory,
    GroupRecordFactory,
    LineManagementFactory,
    ServiceFactory,
    SessionFactory,
    StaffFactory,
    TeamFactory,
    sign_in_as,
    user_in_group,
)

pytestmark = pytest.mark.django_db

OPENED = dt.date(2024, 1, 8)
LEFT = dt.date(2024, 6, 28)
DAY = dt.date(2024, 9, 2)
User = get_user_model()


def fresh(user: Any) -> Any:
    """The user as a new request would load it: nothing cached."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def org() -> SimpleNamespace:
    service = ServiceFactory(name="Children's social care")
    team_a = TeamFactory(name="Team A", service=service)
    team_b = TeamFactory(name="Team B", service=service)
    chairs = TeamFactory(name="Safeguarding and review", service=service)
    support = TeamFactory(name="Business support", service=service)

    def staff(name: str, team: Any, category: str = "case_holder", **kw: Any) -> Staff:
        return StaffFactory(name=name, team=team, category=category, start_date=OPENED, **kw)

    def manages(manager: Staff, person: Staff, end: dt.date | None = None) -> None:
        LineManagementFactory(manager=manager, staff=person, start_date=OPENED, end_date=end)

    o = SimpleNamespace(team_a=team_a, team_b=team_b)
    o.director = staff("Director", None, "manager")
    o.head = staff("Head of service", None, "manager")
    o.tm_a = staff("Manager A", team_a, "manager")
    o.tm_b = staff("Manager B", team_b, "manager")
    o.a1 = staff("Worker A1", team_a)
    o.a2 = staff("Worker A2", team_a)
    o.b1 = staff("Worker B1", team_b)
    o.leaver = staff("Leaver", team_a, end_date=LEFT)
    o.chair = staff("Conference chair", chairs, "conference_chair")
    o.bs = staff("Business support officer", support, "support_staff")
    manages(o.director, o.head)
    manages(o.director, o.chair)
    manages(o.head, o.tm_a)
    manages(o.head, o.tm_b)
    manages(o.tm_a, o.a1)
    manages(o.tm_a, o.a2)
    manages(o.tm_a, o.leaver, end=LEFT)
    manages(o.tm_b, o.b1)
    manages(o.head, o.bs)

    for name in ("director", "head", "tm_a", "tm_b", "a1", "a2", "b1", "leaver", "chair"):
        setattr(o, f"u_{name}", sign_in_as(getattr(o, name), username=name))
    o.u_bs = sign_in_as(o.bs, username="bs")
    o.u_bs.groups.add(Group.objects.get_or_create(name="Business support")[0])
    o.u_hr = user_in_group("hr", "HR")
    o.u_qa = user_in_group("qa", "Quality assurance")
    o.u_admin = user_in_group("admin", "Quality assurance", is_superuser=True, is_staff=True)

    o.case_a1 = CaseFactory(case_id="CA1", open_date=OPENED)
    o.case_b1 = CaseFactory(case_id="CB1", open_date=OPENED)
    o.case_leaver = CaseFactory(case_id="CL", open_date=OPENED)
    AllocationFactory(case=o.case_a1, worker=o.a1, start_date=OPENED)
    AllocationFactory(case=o.case_b1, worker=o.b1, start_date=OPENED)
    AllocationFactory(case=o.case_leaver, worker=o.leaver, start_date=OPENED, end_date=LEFT)

    def session(supervisor: Staff, supervisee: Staff | None, **kw: Any) -> Any:
        return SessionFactory(
            supervisor=supervisor, supervisee=supervisee, date=dt.date(2024, 5, 1), **kw
        )

    o.s_a1 = session(o.tm_a, o.a1)
    SessionCase.objects.create(session=o.s_a1, case=o.case_a1)
    o.s_a2 = session(o.tm_a, o.a2)
    o.s_b1 = session(o.tm_b, o.b1)
    o.s_tm_a = session(o.head, o.tm_a)
    o.s_head = session(o.director, o.head)
    o.s_chair = session(o.director, o.chair, type="conference_chair")
    o.s_leaver = session(o.tm_a, o.leaver)
    o.s_bs = session(o.head, o.bs)
    o.group_a = session(o.tm_a, None, type="group", team=team_a)
    # Worker A1 attended; Worker A2, in the same team, did not.
    GroupRecordFactory(session=o.group_a).attendees.add(o.a1)

    o.ag_a1 = AgreementFactory(staff=o.a1, supervisor=o.tm_a, signed_date=OPENED)
    o.ag_b1 = AgreementFactory(staff=o.b1, supervisor=o.tm_b, signed_date=OPENED)
    o.ag_leaver = AgreementFactory(staff=o.leaver, supervisor=o.tm_a, signed_date=OPENED)
    return o


def sees_all_of(user: Any, staff: Staff, session: Any, agreement: Any, day: dt.date) -> bool:
    return (
        can_view_staff(user, staff, day)
        and can_view_file(user, staff, day)
        and can_view_record(user, session, day)
        and can_view_agreement(user, agreement, day)
    )


def sees_any_of(user: Any, staff: Staff, session: Any, agreement: Any, day: dt.date) -> bool:
    return (
        can_view_staff(user, staff, day)
        or can_view_file(user, staff, day)
        or can_view_record(user, session, day)
        or can_view_agreement(user, agreement, day)
    )


# Supervisees ----------------------------------------------------------------------------------


def test_it_lets_a_worker_see_their_own_sessions_agreements_file_and_cases(org: Any) -> None:
    assert sees_all_of(org.u_a1, org.a1, org.s_a1, org.ag_a1, DAY)
    assert can_view_case(org.u_a1, org.case_a1, DAY)


def test_it_hides_a_team_b_worker_from_a_team_a_worker(org: Any) -> None:
    assert not sees_any_of(org.u_a1, org.b1, org.s_b1, org.ag_b1, DAY)
    assert not can_view_case(org.u_a1, org.case_b1, DAY)
    assert not sees_any_of(org.u_b1, org.a1, org.s_a1, org.ag_a1, DAY)
    assert not can_view_case(org.u_b1, org.case_a1, DAY)


def test_it_hides_a_colleague_in_the_same_team(org: Any) -> None:
    assert not can_view_staff(org.u_a1, org.a2, DAY)
    assert not can_view_record(org.u_a1, org.s_a2, DAY)
    assert not can_view_file(org.u_a1, org.a2, DAY)


def test_it_does_not_let_a_worker_see_upwards(org: Any) -> None:
    assert not can_view_staff(org.u_a1, org.tm_a, DAY)
    assert not can_view_record(org.u_a1, org.s_tm_a, DAY)
    assert not can_view_file(org.u_tm_a, org.head, DAY)


def test_it_shows_a_group_record_to_its_attendees_and_their_managers_only(org: Any) -> None:
    assert can_view_record(org.u_a1, org.group_a, DAY)
    assert not can_view_record(org.u_a2, org.group_a, DAY)  # in the team, but not there
    assert not can_view_record(org.u_bs, org.group_a, DAY)
    assert can_view_record(org.u_tm_a, org.group_a, DAY)
    assert can_view_record(org.u_head, org.group_a, DAY)
    assert not can_view_record(org.u_b1, org.group_a, DAY)
    assert not can_view_record(org.u_tm_b, org.group_a, DAY)
    assert not can_edit_record(org.u_a1, org.group_a, DAY)
    assert can_edit_record(org.u_tm_a, org.group_a, DAY)


# Supervisors and senior managers ---------------------------------------------------------------


def test_it_lets_a_team_manager_see_their_supervisees_and_not_the_other_team(org: Any) -> None:
    assert sees_all_of(org.u_tm_a, org.a1, org.s_a1, org.ag_a1, DAY)
    assert can_view_case(org.u_tm_a, org.case_a1, DAY)
    assert not sees_any_of(org.u_tm_a, org.b1, org.s_b1, org.ag_b1, DAY)
    assert not can_view_case(org.u_tm_a, org.case_b1, DAY)


def test_it_lets_the_head_of_service_see_both_teams_but_not_the_chair(org: Any) -> None:
    for staff, session, agreement, case in (
        (org.a1, org.s_a1, org.ag_a1, org.case_a1),
        (org.b1, org.s_b1, org.ag_b1, org.case_b1),
    ):
        assert sees_all_of(org.u_head, staff, session, agreement, DAY)
        assert can_view_case(org.u_head, case, DAY)
    assert can_view_record(org.u_head, org.s_tm_a, DAY)
    assert not can_view_record(org.u_head, org.s_chair, DAY)
    assert not can_view_staff(org.u_head, org.chair, DAY)


def test_it_lets_the_director_see_the_whole_chain(org: Any) -> None:
    for session in (org.s_a1, org.s_b1, org.s_tm_a, org.s_head, org.s_chair, org.group_a):
        assert can_view_record(org.u_director, session, DAY)
    assert can_view_case(org.u_director, org.case_b1, DAY)


def test_it_moves_access_to_the_new_supervisor_when_line_management_changes(org: Any) -> None:
    moved = dt.date(2024, 8, 1)
    LineManagement.objects.filter(manager=org.tm_a, staff=org.a1).update(
        end_date=moved - dt.timedelta(days=1)
    )
    LineManagementFactory(manager=org.tm_b, staff=org.a1, start_date=moved)
    before, after = dt.date(2024, 7, 31), moved

    assert sees_all_of(org.u_tm_a, org.a1, org.s_a1, org.ag_a1, before)
    assert can_view_case(org.u_tm_a, org.case_a1, before)
    assert not sees_any_of(org.u_tm_a, org.a1, org.s_a1, org.ag_a1, after)
    assert not can_view_case(org.u_tm_a, org.case_a1, after)
    # Even the record the old supervisor wrote: it went with the worker's file (N 12.1).
    assert not can_edit_record(org.u_tm_a, org.s_a1, after)

    assert not sees_any_of(org.u_tm_b, org.a1, org.s_a1, org.ag_a1, before)
    assert sees_all_of(org.u_tm_b, org.a1, org.s_a1, org.ag_a1, after)
    assert can_view_case(org.u_tm_b, org.case_a1, after)
    assert not can_edit_record(org.u_tm_b, org.s_a1, after), "the new supervisor did not write it"


def test_it_lets_only_the_supervisor_or_their_deputy_edit_a_record(org: Any) -> None:
    DelegationFactory(
        from_manager=org.tm_a,
        deputy=org.tm_b,
        start_date=dt.date(2024, 9, 1),
        end_date=dt.date(2024, 9, 13),
    )
    assert can_edit_record(org.u_tm_a, org.s_a1, DAY)
    assert can_edit_record(org.u_tm_b, org.s_a1, DAY)
    for user in (org.u_head, org.u_director, org.u_a1, org.u_qa, org.u_hr, org.u_bs, org.u_admin):
        assert not can_edit_record(user, org.s_a1, DAY), user.username
    assert can_view_record(org.u_head, org.s_a1, DAY)


# Deputies ----------------------------------------------------------------------------------------


def test_it_gives_a_deputy_access_only_within_the_delegation_dates(org: Any) -> None:
    DelegationFactory(
        from_manager=org.tm_a,
        deputy=org.tm_b,
        start_date=dt.date(2024, 9, 2),
        end_date=dt.date(2024, 9, 13),
        created_by=org.u_head,
    )
    within = (dt.date(2024, 9, 2), dt.date(2024, 9, 10), dt.date(2024, 9, 13))
    outside = (dt.date(2024, 9, 1), dt.date(2024, 9, 14), dt.date(2025, 1, 6))
    for day in within:
        assert sees_all_of(org.u_tm_b, org.a1, org.s_a1, org.ag_a1, day), day
        assert can_view_case(org.u_tm_b, org.case_a1, day), day
        assert can_view_record(org.u_tm_b, org.group_a, day), day
        assert can_upload_to_file(org.u_tm_b, org.a1, 2, day), day
    for day in outside:
        assert not sees_any_of(org.u_tm_b, org.a1, org.s_a1, org.ag_a1, day), day
        assert not can_view_case(org.u_tm_b, org.case_a1, day), day
        assert not can_edit_record(org.u_tm_b, org.s_a1, day), day
    assert set(visible_staff(fresh(org.u_tm_b), dt.date(2024, 9, 14))) == {org.tm_b, org.b1}


def test_it_does_not_give_the_deputy_the_absent_managers_own_records(org: Any) -> None:
    DelegationFactory(
        from_manager=org.tm_a, deputy=org.a2, start_date=DAY, end_date=dt.date(2024, 9, 6)
    )
    assert can_view_record(org.u_a2, org.s_a1, DAY)
    assert not can_view_file(org.u_a2, org.tm_a, DAY)
    assert not can_view_record(org.u_a2, org.s_tm_a, DAY)
    assert not can_delegate(org.u_a2, org.tm_a, DAY), "cover is not passed on"


def test_it_refuses_a_delegation_to_oneself_or_ending_before_it_starts(org: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(from_manager=org.tm_a, deputy=org.tm_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(
            from_manager=org.tm_a,
            deputy=org.tm_b,
            start_date=dt.date(2024, 9, 2),
            end_date=dt.date(2024, 9, 1),
        )


def test_it_lets_a_manager_or_those_above_arrange_cover(org: Any) -> None:
    assert can_delegate(org.u_tm_a, org.tm_a, DAY)
    assert can_delegate(org.u_head, org.tm_a, DAY)
    assert not can_delegate(org.u_tm_b, org.tm_a, DAY)
    assert not can_delegate(org.u_admin, org.tm_a, DAY)


# Non-line roles ----------------------------------------------------------------------------------


def test_it_gives_a_superuser_nothing_by_default(org: Any) -> None:
    admin_with_staff = sign_in_as(StaffFactory(name="Admin who manages", category="manager"))
    admin_with_staff.is_superuser = True
    admin_with_staff.save()
    LineManagementFactory(manager=admin_with_staff.staff, staff=org.a2, start_date=OPENED)

    for user in (org.u_admin, admin_with_staff):
        assert not sees_any_of(user, org.a1, org.s_a1, org.ag_a1, DAY)
        assert not sees_any_of(user, org.a2, org.s_a2, org.ag_a1, DAY)
        assert not can_view_case(user, org.case_a1, DAY)
        assert not can_upload_to_file(user, org.a1, 1, DAY)
        assert not can_create_file(user, org.a1, DAY)
        user = fresh(user)
        assert not visible_staff(user, DAY).exists()
        assert not visible_sessions(user, DAY).exists()
        assert not visible_cases(user, DAY).exists()
        assert not visible_agreements(user, DAY).exists()
        # Django lets an active superuser through has_perm before any backend is asked, which is
        # why object checks go through the predicates and templates use test_rule.
        assert user.has_perm("supervision.view_session", org.s_a1)
        assert not rules.test_rule("supervision.view_session", user, org.s_a1)


def test_it_shows_hr_only_leavers_files(org: Any) -> None:
    assert can_view_file(org.u_hr, org.leaver, DAY)
    assert can_view_agreement(org.u_hr, org.ag_leaver, DAY)
    assert can_view_staff(org.u_hr, org.leaver, DAY)
    assert not can_view_file(org.u_hr, org.leaver, LEFT), "not on their last working day"
    assert not sees_any_of(org.u_hr, org.a1, org.s_a1, org.ag_a1, DAY)
    assert not can_view_record(org.u_hr, org.s_leaver, DAY)
    assert not can_view_case(org.u_hr, org.case_leaver, DAY)
    assert not can_upload_to_file(org.u_hr, org.leaver, 3, DAY)
    assert list(visible_files(fresh(org.u_hr), DAY)) == [org.leaver]


def test_it_lets_quality_assurance_view_everything_but_edit_nothing(org: Any) -> None:
    for staff, session, agreement, case in (
        (org.a1, org.s_a1, org.ag_a1, org.case_a1),
        (org.b1, org.s_b1, org.ag_b1, org.case_b1),
        (org.leaver, org.s_leaver, org.ag_leaver, org.case_leaver),
    ):
        assert sees_all_of(org.u_qa, staff, session, agreement, DAY)
        assert can_view_case(org.u_qa, case, DAY)
        assert not can_edit_record(org.u_qa, session, DAY)
        for section in (1, 2, 3, 4):
            assert not can_upload_to_file(org.u_qa, staff, section, DAY)
        assert not can_create_file(org.u_qa, staff, DAY)
    assert not can_delegate(org.u_qa, org.tm_a, DAY)


def test_it_lets_business_support_upload_to_sections_1_and_4_only_and_read_nothing(
    org: Any,
) -> None:
    starter = StaffFactory(name="New starter", team=org.team_b, start_date=dt.date(2024, 9, 16))
    for staff in (org.a1, org.b1, starter):
        assert can_create_file(org.u_bs, staff, DAY)
        assert can_upload_to_file(org.u_bs, staff, 1, DAY)
        assert can_upload_to_file(org.u_bs, staff, 4, DAY)
        assert not can_upload_to_file(org.u_bs, staff, 2, DAY)
        assert not can_upload_to_file(org.u_bs, staff, 3, DAY)
        assert can_view_staff(org.u_bs, staff, DAY)
        assert not can_view_file(org.u_bs, staff, DAY)
    assert not can_upload_to_file(org.u_bs, org.leaver, 1, DAY), "the file has gone to HR"
    for session in (org.s_a1, org.s_b1, org.group_a):
        assert not can_view_record(org.u_bs, session, DAY)
    assert not can_view_agreement(org.u_bs, org.ag_a1, DAY)
    assert not can_view_case(org.u_bs, org.case_a1, DAY)
    # Still a supervisee: their own supervision is theirs.
    assert can_view_record(org.u_bs, org.s_bs, DAY)
    with pytest.raises(ValueError, match="sections 1 to 4"):
        can_upload_to_file(org.u_bs, org.a1, 5, DAY)


def test_it_lets_managers_but_not_supervisees_add_to_a_file(org: Any) -> None:
    for section in (1, 2, 3, 4):
        assert can_upload_to_file(org.u_tm_a, org.a1, section, DAY)
        assert can_upload_to_file(org.u_head, org.a1, section, DAY)
        assert not can_upload_to_file(org.u_a1, org.a1, section, DAY)
        assert not can_upload_to_file(org.u_tm_b, org.a1, section, DAY)
    assert not can_upload_to_file(org.u_tm_a, org.leaver, 2, DAY)


# Cases -------------------------------------------------------------------------------------------


def test_it_makes_case_visibility_follow_allocation_and_the_chain(org: Any) -> None:
    transfer = dt.date(2024, 8, 1)
    Allocation.objects.filter(case=org.case_a1).update(end_date=dt.date(2024, 7, 31))
    AllocationFactory(case=org.case_a1, worker=org.b1, start_date=transfer)
    before, after = dt.date(2024, 7, 31), transfer

    for user in (org.u_a1, org.u_tm_a):
        assert can_view_case(user, org.case_a1, before)
        assert not can_view_case(user, org.case_a1, after)
    for user in (org.u_b1, org.u_tm_b):
        assert not can_view_case(user, org.case_a1, before)
        assert can_view_case(user, org.case_a1, after)
    for day in (before, after):
        assert can_view_case(org.u_head, org.case_a1, day)
        assert not can_view_case(org.u_chair, org.case_a1, day)
    assert not can_view_case(org.u_tm_a, org.case_leaver, DAY), "allocation ended when they left"
    assert can_view_case(org.u_tm_a, org.case_leaver, dt.date(2024, 6, 3))


def test_it_lets_a_deputy_see_the_cases_of_the_team_they_cover(org: Any) -> None:
    DelegationFactory(
        from_manager=org.tm_a, deputy=org.tm_b, start_date=DAY, end_date=dt.date(2024, 9, 6)
    )
    assert can_view_case(org.u_tm_b, org.case_a1, DAY)
    assert not can_view_case(org.u_tm_b, org.case_a1, dt.date(2024, 9, 9))


# Accounts with no standing ---------------------------------------------------------------------


def test_it_gives_a_leaver_or_an_unlinked_or_inactive_account_nothing(org: Any) -> None:
    assert can_view_record(org.u_leaver, org.s_leaver, dt.date(2024, 6, 3))
    assert not can_view_record(org.u_leaver, org.s_leaver, DAY)
    nobody = fresh(user_in_group("nobody", "Staff social club"))
    assert not visible_staff(nobody, DAY).exists()
    assert not can_view_record(nobody, org.s_a1, DAY)
    org.u_tm_a.is_active = False
    org.u_tm_a.save()
    assert not can_view_record(fresh(org.u_tm_a), org.s_a1, DAY)


def test_it_raises_permission_denied_through_require(org: Any) -> None:
    require(can_view_record(org.u_tm_a, org.s_a1, DAY))
    with pytest.raises(PermissionDenied):
        require(can_view_record(org.u_tm_b, org.s_a1, DAY))


# Querysets ---------------------------------------------------------------------------------------


def test_it_lists_exactly_what_each_person_may_see(org: Any) -> None:
    def staff(user: Any) -> set[Staff]:
        return set(visible_staff(fresh(user), DAY))

    def sessions(user: Any) -> set[Any]:
        return set(visible_sessions(fresh(user), DAY))

    def cases(user: Any) -> set[Any]:
        return set(visible_cases(fresh(user), DAY))

    def agreements(user: Any) -> set[Any]:
        return set(visible_agreements(fresh(user), DAY))

    assert staff(org.u_a1) == {org.a1}
    assert sessions(org.u_a1) == {org.s_a1, org.group_a}
    assert sessions(org.u_a2) == {org.s_a2}  # the group was not theirs: they did not attend
    assert cases(org.u_a1) == {org.case_a1}
    assert agreements(org.u_a1) == {org.ag_a1}

    assert staff(org.u_tm_a) == {org.tm_a, org.a1, org.a2}
    assert sessions(org.u_tm_a) == {org.s_a1, org.s_a2, org.s_tm_a, org.group_a}
    assert cases(org.u_tm_a) == {org.case_a1}
    assert agreements(org.u_tm_a) == {org.ag_a1}

    assert staff(org.u_tm_b) == {org.tm_b, org.b1}
    assert sessions(org.u_tm_b) == {org.s_b1}
    assert cases(org.u_tm_b) == {org.case_b1}

    assert staff(org.u_head) == {org.head, org.tm_a, org.tm_b, org.a1, org.a2, org.b1, org.bs}
    assert sessions(org.u_head) == {
        org.s_a1,
        org.s_a2,
        org.s_b1,
        org.s_bs,
        org.s_tm_a,
        org.s_head,
        org.group_a,
    }
    assert cases(org.u_head) == {org.case_a1, org.case_b1}
    assert agreements(org.u_head) == {org.ag_a1, org.ag_b1}

    everyone = set(Staff.objects.all())
    assert staff(org.u_qa) == everyone
    assert len(sessions(org.u_qa)) == 9
    assert cases(org.u_qa) == {org.case_a1, org.case_b1, org.case_leaver}
    assert staff(org.u_hr) == {org.leaver}
    assert sessions(org.u_hr) == set()
    assert cases(org.u_hr) == set()
    assert agreements(org.u_hr) == {org.ag_leaver}
    assert staff(org.u_bs) == everyone - {org.leaver}
    assert sessions(org.u_bs) == {org.s_bs}, "their own supervision only"
    assert cases(org.u_bs) == set()
    assert agreements(org.u_bs) == set()


def test_it_agrees_with_the_object_checks(org: Any) -> None:
    from oversight.supervision.models import Session

    users = [getattr(org, name) for name in vars(org) if name.startswith("u_")]
    for user in users:
        listed = set(visible_sessions(fresh(user), DAY))
        for session in Session.objects.all():
            assert (session in listed) == can_view_record(user, session, DAY), (user, session)
        listed_staff = set(visible_staff(fresh(user), DAY))
        for person in Staff.objects.all():
            assert (person in listed_staff) == can_view_staff(user, person, DAY), (user, person)
        listed_cases = set(visible_cases(fresh(user), DAY))
        for case in Case.objects.all():
            assert (case in listed_cases) == can_view_case(user, case, DAY), (user, case)


@pytest.mark.parametrize("kind", ["staff", "sessions", "cases", "agreements"])
def test_it_lists_in_a_bounded_number_of_queries(
    org: Any, kind: str, django_assert_max_num_queries: Any
) -> None:
    listing = {
        "staff": visible_staff,
        "sessions": visible_sessions,
        "cases": visible_cases,
        "agreements": visible_agreements,
    }[kind]
    # More people at every level must not mean more queries.
    for n in range(20):
        worker = StaffFactory(team=org.team_a, start_date=OPENED)
        LineManagementFactory(manager=org.tm_a, staff=worker, start_date=OPENED)
        SessionFactory(supervisor=org.tm_a, supervisee=worker, date=dt.date(2024, 5, 1 + n))
        AllocationFactory(worker=worker, start_date=OPENED)
    director = fresh(org.u_director)
    # Staff, groups, delegations, the whole chain below in one query, the list.
    with django_assert_max_num_queries(5):
        rows = list(listing(director, DAY))
    assert rows
    with django_assert_max_num_queries(1):
        list(listing(director, DAY))


def test_it_finds_the_same_records_however_wide_the_reach(org: Any, monkeypatch: Any) -> None:
    # Someone whose reach is most of the council is answered another way (WIDE_REACH): the same
    # sessions either way, for everyone, joint supervisions and groups included.
    joint = SessionFactory(
        supervisor=org.tm_b, supervisee=org.b1, type="case_discussion", date=dt.date(2024, 5, 2)
    )
    JointSupervisee.objects.create(session=joint, staff=org.a1)
    people = ("director", "head", "tm_a", "tm_b", "a1", "a2", "b1", "leaver", "chair", "bs")

    def seen() -> dict[str, set[Any]]:
        return {
            name: set(visible_sessions(fresh(getattr(org, f"u_{name}")), DAY)) for name in people
        }

    narrow = seen()
    monkeypatch.setattr(queries, "WIDE_REACH", 0)
    assert seen() == narrow
    assert narrow["a1"] == {org.s_a1, org.group_a, joint}
    assert narrow["tm_a"] == {org.s_tm_a, org.s_a1, org.s_a2, org.group_a, joint}
    assert joint in narrow["b1"]
    assert joint in narrow["director"]
    assert joint not in narrow["a2"]


def test_it_stops_the_chain_at_the_depth_limit_and_survives_a_loop(
    django_assert_max_num_queries: Any,
) -> None:
    top = StaffFactory(name="Top", category="manager", start_date=OPENED)
    user = sign_in_as(top)
    above, chain = top, []
    for _ in range(MAX_DEPTH + 2):
        below = StaffFactory(category="manager", start_date=OPENED)
        LineManagementFactory(manager=above, staff=below, start_date=OPENED)
        chain.append(below)
        above = below
    # Bad data: the bottom of the chain "manages" the top.
    LineManagementFactory(manager=chain[-1], staff=top, start_date=OPENED)
    user = fresh(user)
    with django_assert_max_num_queries(5):
        seen = set(visible_staff(user, DAY))
    assert seen == {top, *chain[:MAX_DEPTH]}


def test_it_forgets_the_cached_reach_when_asked(org: Any) -> None:
    user = fresh(org.u_tm_b)
    assert not can_view_record(user, org.s_a1, DAY)
    Delegation.objects.create(
        from_manager=org.tm_a,
        deputy=org.tm_b,
        start_date=DAY,
        end_date=DAY,
        reason="Training day",
        created_by=org.u_head,
    )
    assert not can_view_record(user, org.s_a1, DAY), "cached for the request"
    forget(user)
    assert can_view_record(user, org.s_a1, DAY)


# Leavers, transfers, destruction, the audit trail ------------------------------------------------


def test_it_lets_only_a_manager_above_someone_record_that_they_are_leaving(org: Any) -> None:
    assert can_record_leaver(org.u_tm_a, org.a1, DAY)
    assert can_record_leaver(org.u_head, org.a1, DAY)
    for user in (org.u_a1, org.u_tm_b, org.u_bs, org.u_hr, org.u_qa, org.u_admin):
        assert not can_record_leaver(user, org.a1, DAY), user.username
    assert not can_record_leaver(org.u_tm_a, org.leaver, DAY), "they have already left"


def test_it_lets_only_a_senior_manager_above_a_supervisor_move_their_people(org: Any) -> None:
    assert can_reassign_supervisees(org.u_head, org.tm_a, DAY)
    assert can_reassign_supervisees(org.u_director, org.tm_a, DAY)
    for user in (org.u_tm_a, org.u_tm_b, org.u_a1, org.u_bs, org.u_qa, org.u_admin):
        assert not can_reassign_supervisees(user, org.tm_a, DAY), user.username
    DelegationFactory(
        from_manager=org.head, deputy=org.tm_b, start_date=DAY, end_date=DAY, created_by=org.u_head
    )
    deputy = fresh(org.u_tm_b)
    assert can_view_file(deputy, org.a1, DAY), "the deputy has the head's reach"
    assert not can_reassign_supervisees(deputy, org.tm_a, DAY), "a reorganisation is not cover"


def test_it_offers_the_senior_managers_own_people_to_take_a_supervisors_people_over(
    org: Any,
) -> None:
    candidates = set(reassign_candidates(org.u_head, org.tm_a, DAY))
    assert candidates == {org.head, org.tm_b, org.b1, org.bs}


def test_it_lets_only_hr_destroy_files_past_retention(org: Any) -> None:
    assert can_destroy_files(org.u_hr, DAY)
    require_destroy_files(org.u_hr, DAY)
    for user in (org.u_qa, org.u_admin, org.u_tm_a, org.u_director, org.u_bs):
        assert not can_destroy_files(user, DAY), user.username
        with pytest.raises(PermissionDenied, match="Only HR"):
            require_destroy_files(user, DAY)


def test_it_lets_managers_and_quality_assurance_search_the_audit_trail(org: Any) -> None:
    for user in (org.u_tm_a, org.u_head, org.u_qa):
        assert can_search_trail(user, DAY), user.username
        searchable_events(user, DAY)
    for user in (org.u_a1, org.u_hr, org.u_bs, org.u_admin):
        assert not can_search_trail(user, DAY), user.username
        with pytest.raises(PermissionDenied, match="Only managers and quality assurance"):
            searchable_events(user, DAY)
    assert manages_anyone(org.u_tm_a, DAY)
    assert not manages_anyone(org.u_a1, DAY)


# Agreements --------------------------------------------------------------------------------------


def test_it_lets_only_the_line_manager_start_an_agreement(org: Any) -> None:
    assert can_start_agreement(org.u_tm_a, org.a1, DAY)
    for user in (org.u_head, org.u_a1, org.u_tm_b, org.u_qa, org.u_admin):
        assert not can_start_agreement(user, org.a1, DAY), user.username
    assert not can_start_agreement(org.u_tm_a, org.leaver, DAY), "they have left"


def test_it_lets_the_two_people_in_an_open_agreement_change_and_confirm_it(org: Any) -> None:
    draft = AgreementFactory(staff=org.a1, supervisor=org.tm_a, signed_date=None)
    assert can_edit_agreement(org.u_tm_a, draft, DAY)
    assert not can_edit_agreement(org.u_a1, draft, DAY)
    assert can_confirm_agreement(org.u_tm_a, draft, DAY)
    assert can_confirm_agreement(org.u_a1, draft, DAY)
    for user in (org.u_head, org.u_qa, org.u_tm_b):
        assert not can_edit_agreement(user, draft, DAY), user.username
        assert not can_confirm_agreement(user, draft, DAY), user.username
    for user in (org.u_tm_a, org.u_a1):
        assert not can_edit_agreement(user, org.ag_a1, DAY), "it is signed"
        assert not can_confirm_agreement(user, org.ag_a1, DAY), "it is signed"


# Fetch and authorise ----------------------------------------------------------------------------


def test_it_fetches_an_agreement_or_says_why_not(org: Any) -> None:
    assert agreement_for_user(org.u_tm_a, org.ag_a1.pk, DAY) == org.ag_a1
    with pytest.raises(PermissionDenied, match="You cannot see this agreement"):
        agreement_for_user(org.u_tm_b, org.ag_a1.pk, DAY)
    with pytest.raises(Http404):
        agreement_for_user(org.u_tm_a, 999_999, DAY)
    with pytest.raises(PermissionDenied, match="Only the supervisor can change"):
        agreement_to_edit(org.u_tm_a, org.ag_a1.pk, DAY)


def test_it_refuses_a_file_the_same_way_whether_or_not_the_person_exists(org: Any) -> None:
    assert file_owner_for_user(org.u_tm_a, org.a1.staff_id, DAY) == org.a1
    for staff_id in (org.b1.staff_id, "NO-SUCH-ID"):
        with pytest.raises(PermissionDenied, match="You do not have access to this supervision"):
            file_owner_for_user(org.u_tm_a, staff_id, DAY)
    with pytest.raises(PermissionDenied, match="You do not have access to this supervision"):
        file_owner_for_user(org.u_bs, org.a1.staff_id, DAY)


def test_it_lets_business_support_add_to_files_they_cannot_read(org: Any) -> None:
    staff, sections = file_to_upload_to(org.u_bs, org.a1.staff_id, DAY)
    assert (staff, sections) == (org.a1, [1, 4])
    assert org.a1 in upload_only_files(org.u_bs, DAY)
    assert org.leaver not in upload_only_files(org.u_bs, DAY)
    assert org.bs not in upload_only_files(org.u_bs, DAY), "their own file they can read"
    assert not upload_only_files(org.u_tm_a, DAY).exists()
    assert file_to_upload_to(org.u_tm_a, org.a1.staff_id, DAY)[1] == [1, 2, 3, 4]
    for user in (org.u_a1, org.u_qa, org.u_hr):
        with pytest.raises(PermissionDenied, match="You cannot add documents"):
            file_to_upload_to(user, org.a1.staff_id, DAY)


def test_it_fetches_a_child_only_for_someone_who_may_see_them(org: Any) -> None:
    assert case_for_user(org.u_tm_a, "CA1", DAY) == org.case_a1
    with pytest.raises(PermissionDenied, match="allocated to you or to someone you manage"):
        case_for_user(org.u_tm_b, "CA1", DAY)
    with pytest.raises(Http404):
        case_for_user(org.u_tm_a, "NO-SUCH-CASE", DAY)


def test_it_shows_a_team_page_to_those_who_manage_someone_in_it(org: Any) -> None:
    assert team_for_user(org.u_tm_a, org.team_a.pk, DAY) == (org.team_a, [org.a1, org.a2])
    assert team_for_user(org.u_qa, org.team_b.pk, DAY)[1] == [org.tm_b, org.b1]
    assert team_for_user(org.u_head, org.team_b.pk, DAY)[1] == [org.tm_b, org.b1]
    assert team_for_user(org.u_tm_b, org.team_b.pk, DAY)[1] == [org.b1]
    for user in (org.u_tm_b, org.u_a1):
        with pytest.raises(PermissionDenied, match="only if you manage someone in it"):
            team_for_user(user, org.team_a.pk, DAY)
    with pytest.raises(Http404):
        team_for_user(org.u_tm_a, 999_999, DAY)


def test_it_fetches_a_person_for_a_leaver_or_transfer_only_for_a_manager_above(org: Any) -> None:
    assert person_for_user(org.u_bs, org.a1.staff_id, DAY) == org.a1
    assert leaver_to_record(org.u_tm_a, org.a1.staff_id, DAY) == org.a1
    assert supervisor_to_reassign(org.u_head, org.tm_a.staff_id, DAY) == org.tm_a
    with pytest.raises(PermissionDenied, match="You do not have access to this person"):
        person_for_user(org.u_a1, org.tm_a.staff_id, DAY)
    with pytest.raises(PermissionDenied, match="record that they are leaving"):
        leaver_to_record(org.u_bs, org.a1.staff_id, DAY)
    with pytest.raises(PermissionDenied, match="move the people they supervise"):
        supervisor_to_reassign(org.u_tm_a, org.tm_a.staff_id, DAY)


# Who is signed in --------------------------------------------------------------------------------


def test_it_finds_the_member_of_staff_signed_in_and_nobody_otherwise(org: Any) -> None:
    assert staff_of(org.u_a1) == org.a1
    assert staff_of(fresh(org.u_a1)) == org.a1
    assert staff_of(org.u_hr) is None, "an account not linked to a member of staff"
    assert staff_of(org.u_admin) is None
    assert staff_of(AnonymousUser()) is None
    assert staff_of(None) is None


def test_it_keeps_the_organisation_free_of_the_access_rules() -> None:
    """The access rules depend on the organisation, never the other way round."""
    package = Path(organisation.__file__).parent
    for module in sorted(package.glob("*.py")):
        tree = ast.parse(module.read_text())
        imported = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [name for name in imported if name.startswith("oversight.access")], module.name


# rules registration ------------------------------------------------------------------------------


def test_it_registers_the_checks_as_permissions_and_rules(org: Any) -> None:
    # has_perm and test_rule use today; every row here is open-ended from January 2024.
    tm_a = fresh(org.u_tm_a)
    tm_b = fresh(org.u_tm_b)
    qa = fresh(org.u_qa)
    assert tm_a.has_perm("supervision.view_session", org.s_a1)
    assert tm_a.has_perm("supervision.change_session", org.s_a1)
    assert tm_a.has_perm("cases.view_case", org.case_a1)
    assert tm_a.has_perm("supervision.view_agreement", org.ag_a1)
    assert tm_a.has_perm("access.view_file", org.a1)
    assert tm_a.has_perm("organisation.view_staff", org.a1)
    assert not tm_b.has_perm("supervision.view_session", org.s_a1)
    assert not tm_b.has_perm("cases.view_case", org.case_a1)
    assert qa.has_perm("supervision.view_session", org.s_a1)
    assert not qa.has_perm("supervision.change_session", org.s_a1)
    assert rules.test_rule("access.create_file", fresh(org.u_bs), org.a1)
    assert not rules.test_rule("access.view_file", fresh(org.u_bs), org.a1)

    template = Template(
        '{% load rules %}{% test_rule "supervision.view_session" user session as ok %}{{ ok }}'
    )
    for user, expected in ((tm_a, "True"), (tm_b, "False"), (fresh(org.u_admin), "False")):
        assert template.render(Context({"user": user, "session": org.s_a1})) == expected
