from __future__ import annotations

from django.urls import path

from oversight.accounts import oidc, views

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/council/", oidc.council_sign_in_start, name="oidc_authentication_init"),
    path(
        "sign-in/council/callback/",
        oidc.council_sign_in_callback,
        name="oidc_authentication_callback",
    ),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
]
