"""The GOV.UK form template pack ({% govuk_field %}, the error summary, GovukDateField) and the
success banner, exercised in a real browser on a page served by this module's own URLs."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path
from playwright.sync_api import Page, expect

from oversight.web.widgets import GovukDateField
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.urls(__name__)]

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% load govuk %}
{% block title %}Record a supervision{% endblock %}
{% block before_content %}<a href="/" class="govuk-back-link">Back</a>{% endblock %}
{% block content %}
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
{% include "govuk/error_summary.html" %}
<h1 class="govuk-heading-l">Record a supervision</h1>
<form method="post" novalidate>
  {% csrf_token %}
  {% govuk_field form.supervisee classes="govuk-input--width-20" %}
  {% govuk_field form.team %}
  {% govuk_field form.held_on legend_class="govuk-fieldset__legend--m" %}
  {% govuk_field form.kind legend_class="govuk-fieldset__legend--m" %}
  {% govuk_field form.topics legend_class="govuk-fieldset__legend--m" %}
  {% govuk_field form.notes label_class="govuk-label--m" %}
  {% govuk_field form.confirm %}
  <button type="submit" class="govuk-button" data-module="govuk-button">Save</button>
</form>
<p class="govuk-body">
  <strong class="govuk-tag app-tag--ok">OK</strong>
  <strong class="govuk-tag app-tag--due-soon">Due soon</strong>
  <strong class="govuk-tag app-tag--overdue">Overdue</strong>
  <strong class="govuk-tag app-tag--met">Met</strong>
  <strong class="govuk-tag app-tag--met-late">Met late</strong>
</p>
</div></div>
{% endblock %}"""
)


class SupervisionForm(forms.Form):
    supervisee = forms.CharField(
        label="Who was supervised?",
        help_text="Their full name",
        error_messages={"required": "Enter who was supervised"},
    )
    team = forms.ChoiceField(
        label="Team",
        choices=[("", "Choose a team"), ("north", "North"), ("south", "South")],
        error_messages={"required": "Select a team"},
    )
    held_on = GovukDateField(
        label="When was the supervision held?",
        help_text="For example, 27 3 2025",
        error_messages={"required": "Enter the date the supervision was held"},
    )
    kind = forms.ChoiceField(
        label="What kind of supervision was it?",
        choices=[("formal", "Formal, one to one"), ("group", "Group")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of supervision"},
    )
    topics = forms.MultipleChoiceField(
        label="What was discussed?",
        help_text="Select all that apply",
        choices=[
            ("cases", "Case discussion"),
            ("wellbeing", "Wellbeing"),
            ("learning", "Learning"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    confirm = forms.BooleanField(
        label="The supervisee has seen this record",
        error_messages={"required": "Confirm the supervisee has seen this record"},
    )


@login_not_required
def record(request: HttpRequest) -> HttpResponse:
    form = SupervisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        held_on = form.cleaned_data["held_on"]
        messages.success(request, f"Supervision on {held_on:%-d %B %Y} recorded")
        return redirect("record")
    return HttpResponse(PAGE.render({"form": form}, request))


urlpatterns = [
    path("", record, name="home"),
    path("record/", record, name="record"),
    path("sign-in/", LoginView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
]


def test_form_errors_are_gov_uk_style_and_accessible(page: Page, live_server):
    page.goto(f"{live_server.url}/record/")
    assert_accessible(page, context="empty form")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title("Error: Record a supervision \N{EN DASH} Oversight")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter who was supervised",
            "Select a team",
            "Date must be a real date",
            "Select the kind of supervision",
            "Confirm the supervisee has seen this record",
        ]
    )
    expect(summary.get_by_role("link", name="Date must be a real date")).to_have_attribute(
        "href", "#id_held_on_day"
    )
    expect(summary.get_by_role("link", name="Select the kind of supervision")).to_have_attribute(
        "href", "#id_kind_0"
    )
    # What the person typed comes back, every box of the impossible date is marked.
    expect(page.get_by_label("Day")).to_have_value("31")
    for box in ("day", "month", "year"):
        expect(page.locator(f"#id_held_on_{box}")).to_have_class(re.compile("govuk-input--error"))
    expect(page.locator("#id_held_on-error")).to_have_text("Error: Date must be a real date")
    expect(page.get_by_role("group", name="When was the supervision held?")).to_have_attribute(
        "aria-describedby", "id_held_on-hint id_held_on-error"
    )
    assert_accessible(page, context="form with errors")
    screenshot(page, "form-errors")

    # A missing part is named and only that box is marked.
    page.get_by_label("Day").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_held_on-error")).to_have_text("Error: Date must include a day")
    expect(page.locator("#id_held_on_day")).to_have_class(re.compile("govuk-input--error"))
    expect(page.locator("#id_held_on_month")).not_to_have_class(re.compile("govuk-input--error"))


def test_valid_form_shows_success_banner(page: Page, live_server):
    page.goto(f"{live_server.url}/record/")
    page.get_by_label("Who was supervised?").fill("Sam Smith")
    page.get_by_label("Team").select_option("north")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Formal, one to one").check()
    page.get_by_label("Wellbeing").check()
    page.get_by_label("Notes").fill("Discussed caseload.")
    page.get_by_label("The supervisee has seen this record").check()
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/record/$"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner.get_by_role("heading", name="Success")).to_be_visible()
    expect(banner).to_contain_text("Supervision on 27 March 2025 recorded")
    assert_accessible(page, context="success banner")
    screenshot(page, "form-success")
