from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from oversight.web import views

admin.site.site_header = "Oversight administration"
admin.site.site_title = "Oversight administration"
admin.site.index_title = "Correct organisation and case data"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
