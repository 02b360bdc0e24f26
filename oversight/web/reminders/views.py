"""Reminders: each person chooses how often they are emailed (issue 11)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.access.reminders import reminders_chooser
from oversight.audit.actor import Actor
from oversight.reminders.models import Frequency
from oversight.reminders.preferences import (
    choose_events,
    choose_frequency,
    events_wanted,
    frequency_of,
)
from oversight.web.requests import AuthenticatedHttpRequest


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want reminders?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how often you want reminders",
            "invalid_choice": "Select how often you want reminders",
        },
    )
    events = forms.ChoiceField(
        label="Do you want an email when something happens that is yours to act on?",
        help_text="A record sent or returned to you, a disagreement escalated to you, a session "
        "booked, moved or cancelled. It is always in your notifications in Oversight.",
        choices=[("yes", "Yes, email me"), ("no", "No, only show it in Oversight")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you want an email when something happens",
            "invalid_choice": "Select whether you want an email when something happens",
        },
    )


def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = reminders_chooser(request.user, timezone.localdate())
    form = FrequencyForm(
        request.POST or None,
        initial={
            "frequency": frequency_of(staff),
            "events": "yes" if events_wanted(staff) else "no",
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["frequency"]
        choose_frequency(staff, chosen, by=Actor.from_request(request))
        wanted = form.cleaned_data["events"] == "yes"
        if wanted != events_wanted(staff):
            choose_events(staff, wanted, by=Actor.from_request(request))
        messages.success(request, f"Reminders: {Frequency(chosen).label}")
        return redirect("reminders:preferences")
    return render(
        request,
        "reminders/preferences.html",
        {
            "staff": staff,
            "form": form,
            "escalation_days": settings.OVERSIGHT_ESCALATION_DAYS,
        },
    )
