"""Signing in safely: Argon2 passwords, throttling wrong guesses, an optional second factor from an
authenticator app, sessions that end, the security headers, and the audit trail of it all."""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.middleware import SIGNED_IN_AT
from oversight.accounts.models import SignInFailure
from oversight.accounts.throttle import BROWSER_COOKIE
from oversight.accounts.views import SETUP_KEY
from oversight.audit.models import AuditEvent
from tests.factories import PASSWORD, authenticator_app, code_for, code_from_key, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashing_and_codes(settings: Any) -> None:
    # Argon2 with the settings' costs takes a second a password on a busy machine; these tests
    # sign in dozens of times. And django-otp's growing wait after a wrong code is tested once,
    # on its own, below.
    settings.PASSWORD_HASHERS = ["tests.factories.QuickArgon2PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def last_entry(action: str) -> AuditEvent:
    entry = AuditEvent.objects.filter(action=action).order_by("-pk").first()
    assert entry is not None, f"no {action} entry in the audit trail"
    return entry


# Passwords -------------------------------------------------------------------------------------


def test_it_hashes_new_passwords_with_argon2() -> None:
    from oversight import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "oversight.accounts.hashers.Argon2idPasswordHasher"
    assert person().password.startswith("argon2$")


def test_it_hashes_with_argon2id_at_owasps_recommended_cost(settings: Any) -> None:
    from oversight import settings as real_settings

    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS

    assert person().password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_it_upgrades_a_hash_made_at_djangos_older_cost_when_its_owner_signs_in(
    client: Client, settings: Any
) -> None:
    from oversight import settings as real_settings

    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    user = person()
    user.password = Argon2PasswordHasher().encode(PASSWORD, "an-old-salt")
    user.save(update_fields=["password"])
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")

    response = sign_in(client, "ada")

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


# Signing in and out ----------------------------------------------------------------------------


def test_it_signs_in_and_records_it_in_the_audit_trail(client: Client) -> None:
    user = person()

    response = sign_in(client, "ada")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    entry = last_entry("sign_in")
    assert entry.actor == user
    assert entry.detail == {"method": "password", "second_factor": "not set up"}
    assert entry.ip_address == "127.0.0.1"
    assert client.session[SIGNED_IN_AT] == pytest.approx(time.time(), abs=5)


def test_it_follows_next_only_to_its_own_pages(client: Client) -> None:
    person()
    response = client.post(
        reverse("login"), {"username": "ada", "password": PASSWORD, "next": "/audit/mine/"}
    )
    assert response["Location"] == "/audit/mine/"

    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "ada", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_it_records_a_failed_sign_in_against_the_account_tried(client: Client) -> None:
    user = person()

    response = sign_in(client, "ada", "not-the-password")

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    entry = last_entry("sign_in_failed")
    assert entry.actor is None
    assert entry.actor_label == "anonymous"
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "auth.user",
        str(user.pk),
        "ada",
    )
    assert entry.detail == {"method": "password", "reason": "wrong username or password"}


def test_it_records_a_failed_sign_in_for_a_username_nobody_has(client: Client) -> None:
    sign_in(client, "nobody", "guess")
    entry = last_entry("sign_in_failed")
    assert (entry.object_id, entry.object_label) == ("", "nobody")


def test_it_does_not_count_an_empty_form_as_an_attempt(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert "Enter your username" in response.content.decode()
    assert not AuditEvent.objects.filter(action="sign_in_failed").exists()
    assert not SignInFailure.objects.exists()


def test_it_signs_out_only_by_a_button_and_records_it(client: Client) -> None:
    user = person()
    sign_in(client, "ada")

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert last_entry("sign_out").actor == user
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


# Throttling ------------------------------------------------------------------------------------


def wait_message(unit: str) -> str:
    return (
        f"You have tried to sign in too many times. Wait {unit} and try again, "
        "or ask your system administrator"
    )


def age_failures(**by: Any) -> None:
    """Move every wrong password recorded so far back in time."""
    SignInFailure.objects.update(at=F("at") - dt.timedelta(**by))


def test_it_makes_a_person_wait_after_five_wrong_passwords(client: Client) -> None:
    person()
    for _ in range(5):
        assert sign_in(client, "ada", "wrong").status_code == 200

    sixth = sign_in(client, "ada", "wrong")

    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert wait_message("30 seconds") in page
    assert "<title>Error: Sign in" in page
    # The username stays in the box; the password is never shown back.
    assert 'value="ada"' in page
    # Even the right password is not checked until the wait is over.
    right = sign_in(client, "ada")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert last_entry("sign_in_failed").detail["reason"] == "waiting after wrong passwords"
    # A refused attempt is not another wrong password: the wait does not grow from it.
    assert SignInFailure.objects.count() == 5


def test_the_wait_doubles_with_each_wrong_password_up_to_fifteen_minutes(client: Client) -> None:
    person()
    for _ in range(5):
        sign_in(client, "ada", "wrong")
    waits = []
    for _ in range(7):
        age_failures(hours=1)
        sign_in(client, "ada", "wrong")
        waits.append(sign_in(client, "ada", "wrong").content.decode())

    for page, unit in zip(
        waits,
        ["1 minute", "2 minutes", "4 minutes", "8 minutes", "15 minutes", "15 minutes"],
        strict=False,
    ):
        assert wait_message(unit) in page


def test_it_lets_the_person_in_again_after_the_wait(client: Client) -> None:
    person()
    for _ in range(5):
        sign_in(client, "ada", "wrong")
    assert sign_in(client, "ada").status_code == 429

    age_failures(seconds=31)

    assert sign_in(client, "ada")["Location"] == reverse("home")
    assert not SignInFailure.objects.exists()


def test_a_stranger_guessing_cannot_lock_out_a_browser_that_signed_in_before() -> None:
    person()
    own_browser, stranger = Client(), Client()
    sign_in(own_browser, "ada")
    own_browser.post(reverse("logout"))

    # From the same office address, so a limit per address and username would lock her out.
    for _ in range(12):
        sign_in(stranger, "ada", "wrong", REMOTE_ADDR="203.0.113.9")
    assert sign_in(stranger, "ada", REMOTE_ADDR="203.0.113.9").status_code == 429

    back = sign_in(own_browser, "ada", REMOTE_ADDR="203.0.113.9")

    assert back["Location"] == reverse("home")


def test_a_browser_that_signed_in_before_has_a_limit_of_its_own(client: Client) -> None:
    person()
    sign_in(client, "ada")
    client.post(reverse("logout"))
    for _ in range(5):
        assert sign_in(client, "ada", "wrong").status_code == 200

    refused = sign_in(client, "ada")

    assert refused.status_code == 429
    assert wait_message("15 minutes") in refused.content.decode()
    assert last_entry("sign_in_failed").detail["reason"] == (
        "too many wrong passwords on this browser"
    )
    # Someone else's browser is not held by it.
    assert sign_in(Client(), "ada").status_code == 302


def test_a_cookie_it_did_not_sign_is_no_way_round_the_limit(client: Client) -> None:
    person()
    for _ in range(5):
        sign_in(client, "ada", "wrong")
    client.cookies[BROWSER_COOKIE] = '{"browser": "x", "accounts": ["ada"]}'

    assert sign_in(client, "ada").status_code == 429


def test_trying_one_password_on_many_accounts_from_one_address_is_stopped(
    client: Client,
) -> None:
    person()
    for n in range(30):
        assert sign_in(client, f"user{n}", "Summer2025!").status_code == 200

    refused = sign_in(client, "ada", "Summer2025!")

    assert refused.status_code == 429
    assert last_entry("sign_in_failed").detail["reason"] == (
        "too many wrong passwords from this address"
    )
    # Another address is not held by it.
    assert sign_in(client, "ada", REMOTE_ADDR="198.51.100.4").status_code == 302


def test_a_made_up_forwarded_address_is_no_way_round_the_limits(
    client: Client, settings: Any
) -> None:
    # Without a proxy of ours, X-Forwarded-For is the client's to write and is ignored.
    settings.OVERSIGHT_TRUSTED_PROXIES = 0
    for n in range(30):
        sign_in(client, f"user{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, "user99", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    assert last_entry("sign_in_failed").ip_address == "127.0.0.1"

    # Behind one proxy, only the address the proxy appended is believed.
    SignInFailure.objects.all().delete()
    settings.OVERSIGHT_TRUSTED_PROXIES = 1
    for n in range(30):
        sign_in(client, f"user{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")
    refused = sign_in(client, "user99", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9")
    assert refused.status_code == 429
    assert last_entry("sign_in_failed").ip_address == "203.0.113.9"


def test_a_successful_sign_in_clears_the_count_of_wrong_passwords(client: Client) -> None:
    person()
    for _ in range(4):
        sign_in(client, "ada", "wrong")
    sign_in(client, "ada")
    client.post(reverse("logout"))

    for _ in range(4):
        assert sign_in(Client(), "ada", "wrong").status_code == 200
    assert sign_in(Client(), "ada").status_code == 302


# Second factor ---------------------------------------------------------------------------------


def test_a_person_with_an_authenticator_app_must_enter_a_code_before_any_page(
    client: Client,
) -> None:
    user = person()
    device = authenticator_app(user)

    response = client.post(
        reverse("login"), {"username": "ada", "password": PASSWORD, "next": "/audit/mine/"}
    )

    assert response["Location"] == "/sign-in/code/?next=%2Faudit%2Fmine%2F"
    assert last_entry("sign_in").detail["second_factor"] == "asked"
    # Every other page sends them back to the code page until they give one.
    for url in ("/", "/audit/mine/", "/account/two-factor/"):
        redirect = client.get(url)
        assert redirect.status_code == 302
        assert redirect["Location"].startswith("/sign-in/code/?next=")

    wrong = client.post("/sign-in/code/?next=/audit/mine/", {"code": "000000"})
    assert "The security code is not correct" in wrong.content.decode()
    assert last_entry("second_factor_failed").actor == user

    right = client.post("/sign-in/code/?next=/audit/mine/", {"code": code_for(device)})

    assert right["Location"] == "/audit/mine/"
    assert last_entry("second_factor_passed").actor == user
    assert client.get("/").status_code == 200


def test_each_wrong_code_makes_the_next_wait_longer(client: Client, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    user = person()
    device = authenticator_app(user)
    sign_in(client, "ada")

    first = client.post("/sign-in/code/", {"code": "000000"}).content.decode()
    second = client.post("/sign-in/code/", {"code": code_for(device)}).content.decode()

    assert "The security code is not correct" in first
    # Even the right code is not checked during the wait.
    assert "You have entered wrong codes. Wait 30 seconds, then enter the code" in second
    assert client.get("/")["Location"].startswith("/sign-in/code/")


def test_it_explains_a_code_that_is_not_six_numbers(client: Client) -> None:
    user = person()
    authenticator_app(user)
    sign_in(client, "ada")

    empty = client.post("/sign-in/code/", {"code": ""}).content.decode()
    letters = client.post("/sign-in/code/", {"code": "12ab56"}).content.decode()

    assert "Enter the security code" in empty
    assert "Security code must be 6 numbers" in letters
    assert 'value="12ab56"' in letters


def test_a_code_cannot_be_used_twice(client: Client) -> None:
    user = person()
    device = authenticator_app(user)
    code = code_for(device)
    sign_in(client, "ada")
    assert client.post("/sign-in/code/", {"code": code}).status_code == 302
    client.post(reverse("logout"))

    sign_in(client, "ada")
    again = client.post("/sign-in/code/", {"code": code})

    assert again.status_code == 200
    assert "_auth_user_id" in client.session
    assert client.get("/")["Location"].startswith("/sign-in/code/")


def test_a_person_without_an_authenticator_app_goes_straight_in(client: Client) -> None:
    person()
    sign_in(client, "ada")
    assert client.get("/sign-in/code/")["Location"] == reverse("home")
    assert client.get("/").status_code == 200


def test_it_sets_up_an_authenticator_app_with_a_qr_code_and_a_key(client: Client) -> None:
    user = person()
    sign_in(client, "ada")

    page = client.get("/account/two-factor/").content.decode()

    assert "Set up two-step verification" in page
    assert '<svg role="img"' in page
    assert "<title>QR code for your authenticator app</title>" in page
    key = bytes.fromhex(client.session[SETUP_KEY])
    # The key to type in is the base32 form an authenticator app asks for, in groups of four.
    typed = base64.b32encode(key).decode()
    assert " ".join(f"<span>{typed[i : i + 4]}</span>" for i in range(0, 32, 4)) in page
    # Nothing is stored until the person proves the app has the key.
    assert not TOTPDevice.objects.exists()
    # Reloading keeps the key already scanned.
    client.get("/account/two-factor/")
    assert bytes.fromhex(client.session[SETUP_KEY]) == key

    wrong = client.post("/account/two-factor/", {"code": "123456"})
    assert "The security code is not correct" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    done = client.post("/account/two-factor/", {"code": code_from_key(key)})

    assert done["Location"] == "/account/two-factor/"
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.bin_key == key
    assert last_entry("second_factor_added").actor == user
    # This session has proved the code, so carries on; the next sign-in asks for one.
    assert "Two-step verification is on" in client.get("/account/two-factor/").content.decode()
    client.post(reverse("logout"))
    sign_in(client, "ada")
    assert client.get("/")["Location"].startswith("/sign-in/code/")
    assert client.post("/sign-in/code/", {"code": code_for(device, steps_from_now=1)})[
        "Location"
    ] == reverse("home")


# Recovery codes ----------------------------------------------------------------------------------


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)


def set_up_app(client: Client) -> tuple[bytes, list[str]]:
    client.get("/account/two-factor/")
    key = bytes.fromhex(client.session[SETUP_KEY])
    client.post("/account/two-factor/", {"code": code_from_key(key)})
    return key, recovery_codes_on(client.get("/account/two-factor/").content.decode())


def test_setting_up_the_app_shows_ten_recovery_codes_once(client: Client) -> None:
    user = person()
    sign_in(client, "ada")

    _, codes = set_up_app(client)

    assert len(codes) == len(set(codes)) == 10
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
    assert last_entry("recovery_codes_made").actor == user
    again = client.get("/account/two-factor/").content.decode()
    assert recovery_codes_on(again) == []
    assert "You have 10 unused recovery codes" in again


def test_a_recovery_code_signs_in_in_place_of_the_app_once_only(client: Client) -> None:
    person()
    sign_in(client, "ada")
    _, codes = set_up_app(client)
    client.post(reverse("logout"))

    sign_in(client, "ada")
    used = client.post("/sign-in/code/", {"code": codes[3].upper().replace("-", " ")})

    assert used["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    entry = last_entry("second_factor_passed")
    assert entry.detail == {"with": "recovery code", "recovery_codes_left": 9}

    client.post(reverse("logout"))
    sign_in(client, "ada")
    reused = client.post("/sign-in/code/", {"code": codes[3]})
    assert reused.status_code == 200
    assert "The security code is not correct" in reused.content.decode()
    assert last_entry("second_factor_failed").actor_label == "ada"


def test_a_person_can_make_new_recovery_codes_with_a_code_from_their_app(
    client: Client,
) -> None:
    person()
    sign_in(client, "ada")
    key, old = set_up_app(client)

    refused = client.post(
        "/account/two-factor/", {"code": "000000", "action": "new_recovery_codes"}
    )
    assert "The security code is not correct" in refused.content.decode()
    made = client.post(
        "/account/two-factor/",
        {"code": code_from_key(key, steps_from_now=1), "action": "new_recovery_codes"},
    )
    assert made["Location"] == "/account/two-factor/"
    new = recovery_codes_on(client.get("/account/two-factor/").content.decode())

    assert len(new) == 10
    assert not set(new) & set(old)
    client.post(reverse("logout"))
    sign_in(client, "ada")
    assert client.post("/sign-in/code/", {"code": old[0]}).status_code == 200
    assert client.post("/sign-in/code/", {"code": new[0]})["Location"] == reverse("home")


def test_turning_the_second_factor_off_needs_a_code(client: Client) -> None:
    user = person()
    device = authenticator_app(user)
    sign_in(client, "ada")
    client.post("/sign-in/code/", {"code": code_for(device)})

    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert "The security code is not correct" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    off = client.post("/account/two-factor/", {"code": code_for(device, steps_from_now=1)})

    assert off["Location"] == "/account/two-factor/"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert last_entry("second_factor_removed").actor == user


# Sessions --------------------------------------------------------------------------------------


def test_a_sign_in_ends_after_eight_hours_however_busy(client: Client) -> None:
    person()
    sign_in(client, "ada")
    assert client.get("/").status_code == 200

    session = client.session
    session[SIGNED_IN_AT] = time.time() - 8 * 60 * 60 - 1
    session.save()
    response = client.get("/audit/mine/")

    assert response["Location"] == "/sign-in/?next=%2Faudit%2Fmine%2F"
    assert "_auth_user_id" not in client.session
    follow = client.get(response["Location"]).content.decode()
    assert "You were signed out after 8 hours. Sign in again." in follow


def test_the_session_cookie_ends_with_the_browser(client: Client) -> None:
    person()
    response = sign_in(client, "ada")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# Headers ---------------------------------------------------------------------------------------


def test_every_page_has_a_content_security_policy_with_a_fresh_nonce(client: Client) -> None:
    first = client.get(reverse("login"))["Content-Security-Policy"]
    second = client.get(reverse("login"))["Content-Security-Policy"]

    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in first.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert first != second


def test_pages_cannot_be_framed_or_sniffed(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_forms_need_a_csrf_token(client: Client) -> None:
    person()
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(reverse("login"), {"username": "ada", "password": PASSWORD}).status_code == 403
    )
