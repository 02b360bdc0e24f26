"""Single sign-on with a council's Microsoft Entra ID, end to end against a real OpenID Connect
provider (oidc-provider-mock) that this test runs on 127.0.0.1, and nothing else on the network.

Accounts are matched on the token's tenant (`tid`) and object id (`oid`), never on email.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import oidc_provider_mock
import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from werkzeug.serving import make_server

from oversight.accounts.middleware import SIGNED_IN_AT
from oversight.accounts.models import ExternalIdentity
from oversight.audit.models import AuditEvent
from tests.factories import UserFactory, authenticator_app, code_for

pytestmark = pytest.mark.django_db

TENANT = "7d2b1c4e-0000-4000-8000-c0ffee000001"
OTHER_TENANT = "9f9f9f9f-0000-4000-8000-0ther0000002"
CLIENT_ID = "oversight-test-client"
ADA_OID = "00000000-0000-4000-8000-00000000ada1"

PEOPLE = [
    oidc_provider_mock.User(
        sub="ada",
        claims={
            "oid": ADA_OID,
            "tid": TENANT,
            "email": "ada.lovelace@council.example",
            "preferred_username": "ada.lovelace@council.example",
            "given_name": "Ada",
            "family_name": "Lovelace",
        },
    ),
    oidc_provider_mock.User(
        sub="guest",
        claims={"oid": ADA_OID, "tid": OTHER_TENANT, "email": "ada.lovelace@council.example"},
    ),
    oidc_provider_mock.User(sub="no-ids", claims={"email": "someone@council.example"}),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """An OpenID Connect provider on 127.0.0.1 and a free port; yields its base URL."""
    server = make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True, user_claims=PEOPLE)
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def council_sign_in(settings: Any, provider: str) -> str:
    """Settings as a council's environment variables would give them."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
    settings.OIDC_TENANT_ID = TENANT
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_OP_ISSUER = provider
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "oversight.accounts.oidc.EntraIdBackend",
    ]
    return provider


def sign_in_at_council(client: Client, who: str, next_url: str = "") -> Any:
    """Press the button, sign in at the provider as `who`, and come back to Oversight."""
    start = client.get("/sign-in/council/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    at_provider = requests.post(
        start["Location"], data={"sub": who}, allow_redirects=False, timeout=10
    )
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/sign-in/council/callback/"
    return client.get(f"{back.path}?{back.query}")


def link(user: Any, *, tid: str = TENANT, oid: str = ADA_OID) -> ExternalIdentity:
    return ExternalIdentity.objects.create(user=user, tid=tid, oid=oid)


def test_it_offers_council_sign_in_only_when_it_is_configured(
    client: Client, settings: Any
) -> None:
    settings.OIDC_ENABLED = False
    assert "Sign in with your council account" not in client.get("/sign-in/").content.decode()
    assert client.get("/sign-in/council/").status_code == 404
    assert client.get("/sign-in/council/callback/?code=x&state=y").status_code == 404

    settings.OIDC_ENABLED = True
    page = client.get("/sign-in/?next=/audit/mine/").content.decode()
    assert "Sign in with your council account" in page
    assert 'href="/sign-in/council/?next=%2Faudit%2Fmine%2F"' in page


def test_it_asks_entra_id_for_openid_email_and_profile_with_pkce(
    client: Client, council_sign_in: str
) -> None:
    start = client.get("/sign-in/council/")
    asked = parse_qs(urlsplit(start["Location"]).query)

    assert start["Location"].startswith(f"{council_sign_in}/oauth2/authorize?")
    assert asked["scope"] == ["openid email profile"]
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["response_type"] == ["code"]
    assert asked["redirect_uri"] == ["http://testserver/sign-in/council/callback/"]
    assert asked["code_challenge_method"] == ["S256"]
    assert len(asked["code_challenge"][0]) == 43
    assert asked["nonce"]
    assert asked["state"]


def test_a_linked_council_identity_signs_in_and_is_recorded(
    client: Client, council_sign_in: str
) -> None:
    user = UserFactory(username="ada")
    link(user)

    response = sign_in_at_council(client, "ada", next_url="/audit/mine/")

    assert response.status_code == 302
    assert response["Location"] == "/audit/mine/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SIGNED_IN_AT in client.session
    entry = AuditEvent.objects.filter(action="sign_in").latest("pk")
    assert entry.actor == user
    assert entry.detail == {"method": "council", "second_factor": "not set up"}
    assert client.get("/").status_code == 200


def test_it_never_matches_an_account_by_email(client: Client, council_sign_in: str) -> None:
    # Same email address as the council identity, but nobody linked the two.
    UserFactory(username="ada", email="ada.lovelace@council.example")

    response = sign_in_at_council(client, "ada")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot sign in with this council account" in page
    assert "Your council account is not linked to an Oversight account yet." in page
    assert "_auth_user_id" not in client.session
    entry = AuditEvent.objects.filter(action="sign_in_failed").latest("pk")
    assert entry.actor is None
    assert entry.detail == {
        "method": "council",
        "reason": "identity not linked to an account",
        "tid": TENANT,
        "oid": ADA_OID,
    }


def test_it_refuses_a_token_from_another_tenant_even_for_a_linked_object_id(
    client: Client, council_sign_in: str
) -> None:
    link(UserFactory(username="ada"))

    response = sign_in_at_council(client, "guest")

    assert response.status_code == 403
    assert "belongs to another organisation" in response.content.decode()
    assert "_auth_user_id" not in client.session
    refused = AuditEvent.objects.filter(action="sign_in_failed").latest("pk")
    assert refused.detail["reason"] == "another organisation's account"
    assert refused.detail["tid"] == OTHER_TENANT


def test_it_refuses_a_token_without_tenant_and_object_ids(
    client: Client, council_sign_in: str
) -> None:
    response = sign_in_at_council(client, "no-ids")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="sign_in_failed").latest("pk").detail["reason"] == (
        "no tenant or object id"
    )


def test_it_refuses_a_token_from_another_issuer(
    client: Client, council_sign_in: str, settings: Any
) -> None:
    link(UserFactory(username="ada"))
    settings.OIDC_OP_ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"

    response = sign_in_at_council(client, "ada")

    assert response.status_code == 403
    assert "did not finish" in response.content.decode()
    assert AuditEvent.objects.filter(action="sign_in_failed").latest("pk").detail["reason"] == (
        "token from another issuer"
    )


def test_a_switched_off_account_cannot_sign_in_with_the_council(
    client: Client, council_sign_in: str
) -> None:
    link(UserFactory(username="ada", is_active=False))
    response = sign_in_at_council(client, "ada")
    assert response.status_code == 403
    assert "has been switched off" in response.content.decode()


def test_it_creates_an_account_on_first_sign_in_only_when_told_to(
    client: Client, council_sign_in: str, settings: Any
) -> None:
    settings.OIDC_CREATE_USER = True

    response = sign_in_at_council(client, "ada")

    assert response.status_code == 302
    identity = ExternalIdentity.objects.get(tid=TENANT, oid=ADA_OID)
    user = identity.user
    assert user.username == "ada.lovelace@council.example"
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    created = AuditEvent.objects.filter(action="create", object_type="auth.user").latest("pk")
    assert created.object_id == str(user.pk)
    # The second time, the same account.
    client.post("/sign-out/")
    sign_in_at_council(client, "ada")
    assert get_user_model().objects.count() == 1


def test_a_council_sign_in_still_asks_for_the_second_factor_once_set_up(
    client: Client, council_sign_in: str
) -> None:
    user = UserFactory(username="ada")
    link(user)
    device = authenticator_app(user)

    response = sign_in_at_council(client, "ada", next_url="/audit/mine/")

    assert response["Location"] == "/sign-in/code/?next=%2Faudit%2Fmine%2F"
    assert client.get("/")["Location"].startswith("/sign-in/code/")
    done = client.post("/sign-in/code/?next=/audit/mine/", {"code": code_for(device)})
    assert done["Location"] == "/audit/mine/"
