"""The request a screen receives: somebody is signed in.

`LoginRequiredMiddleware` sends anyone not signed in to the sign-in page before a view runs,
unless the view is marked `login_not_required`. Every other view can therefore rely on
`request.user` being a saved `User`, and says so by taking an `AuthenticatedHttpRequest`
(the pattern django-stubs documents), so mypy checks what it does with the user.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails  # django-htmx's middleware: whether htmx made the request
