"""`{% load statuses %}`: an obligation's status as its tag, `{{ obligation.status|status_tag }}`
(worded once, in oversight.formatting)."""

from __future__ import annotations

from django import template

from oversight.formatting import status_tag

register = template.Library()
register.filter("status_tag", status_tag)
