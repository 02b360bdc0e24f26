"""The access predicates registered with `rules`, for templates, views and the admin.

Each name is registered twice, with the same predicate:

- as a permission, so `user.has_perm("supervision.view_session", session)` works through
  `rules.permissions.ObjectPermissionBackend`. Django answers True for an active superuser before
  consulting any backend, so has_perm is NOT safe where a superuser might be signed in;
- as a rule, so templates can ask `{% test_rule "supervision.view_session" user session as ok %}`
  (from `{% load rules %}`), which calls the predicate directly and gives a superuser False.

Prefer the functions in `oversight.access.predicates` in Python code: they take the day.
Permission checks without an object (`has_perm("supervision.view_session")`) get False here and
are left to Django's ModelBackend (model permissions, e.g. Business Support's admin rights).
"""

from __future__ import annotations

import rules

from oversight.access import predicates

RULES: dict[str, rules.Predicate] = {
    "organisation.view_staff": predicates.view_staff,
    "access.view_file": predicates.view_file,
    "access.create_file": predicates.create_file,
    "access.add_delegation": predicates.delegate,
    "supervision.view_session": predicates.view_record,
    "supervision.change_session": predicates.edit_record,
    "supervision.view_agreement": predicates.view_agreement,
    "cases.view_case": predicates.view_case,
}

for _name, _predicate in RULES.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
