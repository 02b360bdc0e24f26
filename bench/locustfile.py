"""The large demo council's people using Oversight at once (issue 15), for bench/load_bench.py.

Each simulated person signs in with a demo account, then opens the pages their role opens most,
with a few seconds' thought between pages. Two directors are always among them (the widest
scopes, which once slowed everyone down). Requests are named by page and role, so the report
gives p50/p95/p99 for each.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task

PASSWORD = "oversight-demo"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Every request as (when it ended, page, milliseconds), written where bench/load_bench.py asks,
# so it can give percentiles over the pages alone and over the steady state after the burst.
PAGE_TIMES: list[tuple[float, str, float]] = []


@events.request.add_listener
def _keep_page_time(name: str, response_time: float, **_: Any) -> None:
    PAGE_TIMES.append((time.time(), name, response_time))


@events.quitting.add_listener
def _write_page_times(**_: Any) -> None:
    if path := os.environ.get("OVERSIGHT_PAGE_TIMES"):
        with open(path, "w") as handle:
            json.dump(PAGE_TIMES, handle)


class SignedInPerson(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    usernames: tuple[str, ...] = ()
    role = ""
    pages: tuple[tuple[str, str, int], ...] = ()  # (address, page, how often)
    signed_in_count = 0

    def on_start(self) -> None:
        cls = type(self)
        username = cls.usernames[cls.signed_in_count % len(cls.usernames)]
        cls.signed_in_count += 1
        page = self.client.get("/sign-in/", name="Sign-in page")
        token = CSRF.search(page.text)
        with self.client.post(
            "/sign-in/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/sign-in/"},
            name="Sign in",
            catch_response=True,
        ) as response:
            if "Sign out" not in response.text:
                response.failure(f"{username} could not sign in (status {response.status_code})")

    @task
    def open_a_page(self) -> None:
        """One of the role's pages, the more used ones more often."""
        path, page = random.choices(
            [(path, page) for path, page, _ in self.pages],
            weights=[weight for _, _, weight in self.pages],
        )[0]
        self.client.get(path, name=f"{page} ({self.role})")


class Worker(SignedInPerson):
    weight = 24
    usernames = ("worker", "worker-b")
    role = "worker"
    pages = (("/", "My work", 4), ("/records/", "Records", 2), ("/agreements/", "Agreements", 1))


class Manager(SignedInPerson):
    weight = 14
    usernames = ("manager",)
    role = "manager"
    pages = (
        ("/", "My work", 4),
        ("/records/month/", "Month", 2),
        ("/records/", "Records", 1),
        ("/dashboards/", "Dashboard", 1),
    )


class HeadOfService(SignedInPerson):
    weight = 6
    usernames = ("head",)
    role = "head"
    pages = (("/", "My work", 3), ("/dashboards/", "Dashboard", 2))


class QualityAssurance(SignedInPerson):
    weight = 4
    usernames = ("auditor",)
    role = "quality"
    pages = (("/", "My work", 2), ("/quality/", "Quality", 2), ("/dashboards/", "Dashboard", 1))


class Director(SignedInPerson):
    fixed_count = 2
    usernames = ("director", "assistant-director")
    role = "director"
    pages = (("/", "My work", 3), ("/dashboards/", "Dashboard", 2))
