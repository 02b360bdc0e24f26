"""The access checks registered with `rules`, for templates, views and the admin.

Each name is registered twice, with the same predicate:

- as a permission, so `user.has_perm("supervision.view_session", session)` works through
  `rules.permissions.ObjectPermissionBackend`. Django answers True for an active superuser before
  consulting any backend, so has_perm is NOT safe where a superuser might be signed in;
- as a rule, so templates can ask `{% test_rule "supervision.view_session" user session as ok %}`
  (from `{% load rules %}`), which calls the predicate directly and gives a superuser False.

The predicates use today. Prefer the `can_*` functions in the topic modules of `oversight.access`
in Python code: they take the day. Permission checks without an object
(`has_perm("supervision.view_session")`) get False here and are left to Django's ModelBackend
(model permissions, e.g. Business Support's admin rights).
"""

from __future__ import annotations

from typing import Any

import rules

from oversight.access.agreements import can_view_agreement
from oversight.access.files import can_create_file, can_view_file
from oversight.access.people import can_delegate, can_view_staff
from oversight.access.predicates import can_edit_record, can_view_case, can_view_record
from oversight.cases.models import Case
from oversight.organisation.models import Staff
from oversight.supervision.models import Agreement, Session


@rules.predicate
def view_staff(user: Any, staff: Staff | None) -> bool:
    return isinstance(staff, Staff) and can_view_staff(user, staff)


@rules.predicate
def view_file(user: Any, staff: Staff | None) -> bool:
    return isinstance(staff, Staff) and can_view_file(user, staff)


@rules.predicate
def create_file(user: Any, staff: Staff | None) -> bool:
    return isinstance(staff, Staff) and can_create_file(user, staff)


@rules.predicate
def view_agreement(user: Any, agreement: Agreement | None) -> bool:
    return isinstance(agreement, Agreement) and can_view_agreement(user, agreement)


@rules.predicate
def view_record(user: Any, session: Session | None) -> bool:
    return isinstance(session, Session) and can_view_record(user, session)


@rules.predicate
def edit_record(user: Any, session: Session | None) -> bool:
    return isinstance(session, Session) and can_edit_record(user, session)


@rules.predicate
def view_case(user: Any, case: Case | None) -> bool:
    return isinstance(case, Case) and can_view_case(user, case)


@rules.predicate
def delegate(user: Any, from_manager: Staff | None) -> bool:
    return isinstance(from_manager, Staff) and can_delegate(user, from_manager)


RULES: dict[str, rules.Predicate] = {
    "organisation.view_staff": view_staff,
    "access.view_file": view_file,
    "access.create_file": create_file,
    "access.add_delegation": delegate,
    "supervision.view_session": view_record,
    "supervision.change_session": edit_record,
    "supervision.view_agreement": view_agreement,
    "cases.view_case": view_case,
}

for _name, _predicate in RULES.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
