"""Oversight's admin site: one way in, through the app's own sign-in, and every change audited.

Django's admin has its own sign-in page, which would sign a person into the whole application
without the audit entry, the 8-hour limit, the throttling of wrong passwords or the second factor.
Here /admin/login/ sends people to the app's sign-in page instead, and /admin/logout/ signs out
through the app's sign-out. Every ModelAdmin registered, by us or by a package, gets
AuditedAdminMixin, so each add, change and delete in the admin writes an audit entry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


class OversightAdminSite(admin.AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        from oversight.audit.admin import AuditedAdminMixin

        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Never checks a password here, whatever the method: only the app's sign-in page does.
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': next_url})}")

    # The app's own sign-out (a redirect), not the admin's "logged out" page.
    def logout(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        from oversight.accounts.views import sign_out

        return sign_out(request)


class OversightAdminConfig(AdminConfig):
    default_site = "oversight.accounts.admin_site.OversightAdminSite"
