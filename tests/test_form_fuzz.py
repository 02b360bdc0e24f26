"""Hostile input to every page: random form values and query parameters never get a 500.

The pages come from the permission matrix (tests/test_permission_matrix.py), which has a row for
every named address in the URL configuration, and its organisation. The forms come from the pages
themselves: every form that posts, found by opening every page as every role allowed it, with the
names and values of its fields (hidden ones and formset management fields included). Each example
then posts, as a role allowed to use the form, the form's fields kept, dropped, repeated or replaced
by something hostile (NULs and control characters, huge numbers and strings, digits that are not
ASCII, unknown choices, bad dates), with bogus fields added. Another test opens every page with
random query parameters as every role.

The test client re-raises any exception a view lets out (`raise_request_exception`), so a traceback
fails the test just as a 500 would. Each example runs in a transaction rolled back afterwards, so
every example meets the organisation as built.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_permission_matrix import (
    MATRIX,
    ROLES,
    Organisation,
    organisation_built_once,
)

# Examples per address: its forms get the most; pages with no form of their own are posted to
# (most take a post and ignore it) and opened with random query parameters.
FORM_EXAMPLES = 10
OTHER_EXAMPLES = 3
QUERY_EXAMPLES = 5
FUZZ = settings(
    deadline=None,
    derandomize=True,  # the same examples every run: a 500 found once is found again
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Query parameters the pages read (and some they do not), besides those of their own GET forms.
QUERY_NAMES = (
    "case",
    "team",
    "staff",
    "supervisee",
    "page",
    "show",
    "q",
    "to",
    "on",
    "last_day",
    "new_supervisor",
    "next",
    "type",
    "kind",
    "from",
    "until",
)


# Hostile values -------------------------------------------------------------------------------

# Digits Python's str.isdigit() accepts but int() may not (superscripts), and ones int() reads.
NOT_ASCII_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３۴߀๑²³¹⁰₂"

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
hostile_value = st.one_of(
    st.just(""),
    text,
    st.sampled_from(["\x00", "a\x00b", "\x00" * 3, "\r\n\t", "\u202e", "\ufeff", " ", "null"]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["9" * 20, "9" * 400, "-1", "0", "1e9999", "NaN", "inf", "0x10", "1_000"]),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),
    st.text(st.sampled_from(NOT_ASCII_DIGITS), min_size=1, max_size=6),
    st.sampled_from(["not-a-choice", "None", "[]", "{}", "../../etc/passwd", "<script>"]),
    st.sampled_from(["2025-02-30", "31/13/2025", "0000-00-00", "99999-01-01", "2025-6-1", "1/1"]),
    st.sampled_from(["C-A", "C-B", "1", "2", "999999"]),  # ids of real and missing things
)


@st.composite
def hostile_values(draw: st.DrawFn) -> str | list[str]:
    """One value, or several for a field that takes one."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.lists(hostile_value, min_size=2, max_size=3))
    return draw(hostile_value)


# The forms on the pages -----------------------------------------------------------------------


@dataclass
class FoundForm:
    """A form a page shows: where it posts, and its fields with the values the page filled in."""

    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)


class FormReader(HTMLParser):
    """Every <form> on a page, with its inputs, selects, textareas and named buttons."""

    def __init__(self, page_address: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_address = page_address
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str | None) -> None:
        if self._form is not None and name:
            self._form.fields.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            action = urllib.parse.urljoin(self.page_address, a.get("action") or self.page_address)
            self._form = FoundForm(method=(a.get("method") or "get").lower(), action=action)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if kind == "file" and name:
                self._form.files.add(name)
            elif kind != "submit" or name:
                self._add(name, a.get("value"))
                if kind == "hidden" and name:
                    self._form.hidden.add(name)
        elif tag == "button" and a.get("name"):
            self._add(a.get("name"), a.get("value"))
        elif tag == "select":
            self._select = a.get("name")
            if self._select:
                self._form.fields.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self._add(self._select, a.get("value"))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def view_name(address: str) -> str | None:
    try:
        return resolve(urllib.parse.urlsplit(address).path).view_name
    except Resolver404:
        return None


@dataclass
class Site:
    """The organisation, and every form its pages show, by the address each posts to."""

    org: Organisation
    posts: dict[str, list[tuple[str, FoundForm]]]  # view name: (role, form)
    searches: dict[str, set[str]]  # view name: the query parameters its GET forms send


def client_for(org: Organisation, role: str) -> Client:
    client = Client()  # raise_request_exception stays True: a traceback fails the test
    if role != "anonymous":
        client.force_login(org.users[role])
    return client


def find_forms(org: Organisation) -> Site:
    posts: dict[str, list[tuple[str, FoundForm]]] = {}
    searches: dict[str, set[str]] = {}
    for row in MATRIX.values():
        if row.method != "get":
            continue
        address = row.address(org)
        for role in sorted(row.allowed):
            with transaction.atomic():
                response = client_for(org, role).get(address)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            reader = FormReader(address)
            reader.feed(response.content.decode())
            for form in reader.forms:
                target = view_name(form.action)
                if target is None:
                    continue
                if form.method == "post":
                    posts.setdefault(target, []).append((role, form))
                else:
                    searches.setdefault(target, set()).update(form.fields)
    # The sign-in page, for people not yet signed in (not in the matrix, which is about access).
    reader = FormReader(reverse("login"))
    reader.feed(client_for(org, "anonymous").get(reverse("login")).content.decode())
    posts["login"] = [("anonymous", form) for form in reader.forms if form.method == "post"]
    return Site(org=org, posts=posts, searches=searches)


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Site]:
    with organisation_built_once(django_db_blocker, tmp_path_factory) as org:
        yield find_forms(org)


def never_failed(response: Any) -> bool:
    return response.status_code < 500


# The tests ------------------------------------------------------------------------------------


def test_it_finds_the_forms_the_pages_show(site: Site, db: Any) -> None:
    """The forms are read from the pages; this keeps the reading honest."""
    assert set(site.posts) - {"logout", "login"} <= set(MATRIX)
    assert {"username", "password"} <= set(site.posts["login"][0][1].fields)
    assert {"agreements:edit", "records:professional", "files:upload", "records:return"} <= set(
        site.posts
    )
    assert {"date_from_day", "person"} <= site.searches["audit_trail:search"]


@st.composite
def posts(draw: st.DrawFn, site: Site, name: str) -> tuple[str, str, dict[str, Any]]:
    """A role allowed to post to `name`, the address, and what it posts."""
    choices = site.posts.get(name) or [
        (role, FoundForm("post", row.address(site.org), {k: [str(v)] for k, v in data.items()}))
        for row in [MATRIX[name]]
        for data in [row.data(site.org)]
        for role in sorted(row.allowed)
    ]
    role, form = draw(st.sampled_from(choices))
    data: dict[str, Any] = {}
    for key, values in form.fields.items():
        how = draw(st.sampled_from(["keep", "keep", "drop", "hostile"]))
        if how == "keep" and values:
            data[key] = draw(st.sampled_from(values))
        elif how == "hostile" or (key in form.hidden and draw(st.booleans())):
            data[key] = draw(hostile_values())
    for key in form.files:
        if draw(st.booleans()):
            data[key] = SimpleUploadedFile(
                # No empty name: Django's SimpleUploadedFile refuses to make one (a browser's
                # empty file name arrives as no file at all).
                draw(st.sampled_from(["a.pdf", " ", "\x00.pdf", "x" * 300 + ".pdf", "a"])),
                draw(st.binary(max_size=64)),
                content_type=draw(st.sampled_from(["application/pdf", "text/plain", ""])),
            )
    for _ in range(draw(st.integers(0, 2))):
        data[draw(st.sampled_from([*form.fields, "bogus", "csrfmiddlewaretoken", "id", "pk"]))] = (
            draw(hostile_values())
        )
    return role, form.action, data


@pytest.mark.parametrize("name", [*sorted(MATRIX), "login"])
def test_it_never_fails_on_hostile_form_values(name: str, site: Site, db: Any) -> None:

    @settings(FUZZ, max_examples=FORM_EXAMPLES if name in site.posts else OTHER_EXAMPLES)
    @given(st.data())
    def post_hostile_values(data: st.DataObject) -> None:
        role, address, values = data.draw(posts(site, name))
        with transaction.atomic():
            response = client_for(site.org, role).post(address, values)
            transaction.set_rollback(True)
        assert never_failed(response), (role, address, values, response.status_code)

    post_hostile_values()


@st.composite
def queries(draw: st.DrawFn, names: list[str], address: str) -> str:
    """The address with its own query parameters kept or spoilt, and random ones added."""
    path, _, own = address.partition("?")
    pairs = []
    for key, value in urllib.parse.parse_qsl(own, keep_blank_values=True):
        pairs.append((key, value if draw(st.booleans()) else draw(hostile_value)))
    for key in draw(st.lists(st.sampled_from(names), max_size=4)):
        value = draw(hostile_values())
        pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return f"{path}?{urllib.parse.urlencode(pairs)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_never_fails_on_random_query_parameters(name: str, site: Site, db: Any) -> None:
    row = MATRIX[name]
    names = sorted({*QUERY_NAMES, *site.searches.get(name, set())})

    # Mostly the roles the page serves, whose requests reach the code that reads the query.
    role = st.one_of(st.sampled_from(sorted(row.allowed)), st.sampled_from(ROLES))

    @settings(FUZZ, max_examples=QUERY_EXAMPLES)
    @given(role, queries(names, row.address(site.org)))
    def open_with(role: str, address: str) -> None:
        with transaction.atomic():
            response = client_for(site.org, role).get(address)
            transaction.set_rollback(True)
        assert never_failed(response), (role, address, response.status_code)

    open_with()


# What the fuzzing found, each shown once ------------------------------------------------------


def post_as(site: Site, role: str, address: str, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        response = client_for(site.org, role).post(address, data)
        transaction.set_rollback(True)
    return response


def get_as(site: Site, role: str, address: str) -> Any:
    with transaction.atomic():
        response = client_for(site.org, role).get(address)
        transaction.set_rollback(True)
    return response


def test_it_says_no_such_team_for_a_team_number_in_superscript_digits(site: Site, db: Any) -> None:
    # "²".isdigit() is true, but int("²") fails: it was a ValueError.
    response = get_as(site, "manager", reverse("records:group_new") + "?team=%C2%B2")

    assert response.status_code == 404


def test_it_ignores_a_child_chosen_in_superscript_digits_on_a_chairs_record(
    site: Site, db: Any
) -> None:
    address = reverse("records:chair_new") + f"?staff={site.org.chair.staff_id}"

    response = post_as(site, "head", address, {"cases": ["²", "1"], "choose": ""})

    assert response.status_code == 200


def test_it_refuses_a_security_code_in_superscript_digits(site: Site, db: Any) -> None:
    client = client_for(site.org, "worker")
    client.get(reverse("two_factor"))  # the page makes the key the code is checked against

    response = client.post(reverse("two_factor"), {"code": "²²²²²²"})

    assert response.status_code == 200
    assert "Security code must be 6 numbers" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "method", "address", "data"),
    [
        ("manager", "get", lambda org: reverse("records:book") + "?supervisee=%00", {}),
        (
            "worker",
            "get",
            lambda org: reverse("files:detail", args=["NUL"]).replace("NUL", "S%00"),
            {},
        ),
        ("manager", "get", lambda org: reverse("records:oversight_new") + "?case=C-A%00", {}),
        (
            "head",
            "post",
            lambda org: reverse("people:reassign", args=[org.manager.staff_id]),
            {"new_supervisor": "S\x00", "on_day": "1"},
        ),
        ("anonymous", "post", lambda org: reverse("login"), {"username": "a\x00", "password": "x"}),
    ],
    ids=["query", "address", "case id", "choice of person", "sign-in"],
)
def test_it_refuses_a_nul_character_with_a_page_saying_what_to_do(
    site: Site, db: Any, role: str, method: str, address: Any, data: dict[str, Any]
) -> None:
    # On PostgreSQL each was a DataError: text holding NUL cannot even be compared there.
    if method == "post":
        response = post_as(site, role, address(site.org), data)
    else:
        response = get_as(site, role, address(site.org))

    assert response.status_code == 400
    assert "holds a NUL character" in response.content.decode()


def test_it_refuses_more_action_rows_than_a_record_holds_without_drawing_them(
    site: Site, db: Any
) -> None:
    # A post claiming a million rows made the page build and draw a thousand (seconds each).
    role, form = next(
        (role, form)
        for role, form in site.posts["records:oversight_new"]
        if "actions-TOTAL_FORMS" in form.fields
    )
    data = {key: values[0] for key, values in form.fields.items() if values}
    for button in ("add_action", "draft"):  # "save": the main button, which judges the rows
        data.pop(button, None)

    response = post_as(site, role, form.action, {**data, "actions-TOTAL_FORMS": "1000000"})

    assert response.status_code == 200
    assert "A record can hold at most 100 rows here" in response.content.decode()
    assert response.content.decode().count('name="actions-') < 100 * 12
