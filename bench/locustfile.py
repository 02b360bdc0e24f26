"""The large demo council's people using Oversight at once (issue 15), for bench/load_bench.py.

Each simulated person signs in with a demo account, then opens the pages their role opens most,
with a few seconds' thought between pages. Two directors are always among them (the widest
scopes, which once slowed everyone down). Requests are named by page and role, so the report
gives p50/p95/p99 for each.
"""

from __future__ import annotations

import re

from locust import HttpUser, between, task

PASSWORD = "oversight-demo"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class SignedInPerson(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    usernames: tuple[str, ...] = ()
    role = ""
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

    def open(self, path: str, page: str) -> None:
        self.client.get(path, name=f"{page} ({self.role})")


class Worker(SignedInPerson):
    weight = 24
    usernames = ("worker", "worker-b")
    role = "worker"

    @task(4)
    def my_work(self) -> None:
        self.open("/", "My work")

    @task(2)
    def records(self) -> None:
        self.open("/records/", "Records")

    @task(1)
    def agreements(self) -> None:
        self.open("/agreements/", "Agreements")


class Manager(SignedInPerson):
    weight = 14
    usernames = ("manager",)
    role = "manager"

    @task(4)
    def my_work(self) -> None:
        self.open("/", "My work")

    @task(2)
    def month(self) -> None:
        self.open("/records/month/", "Month")

    @task(1)
    def records(self) -> None:
        self.open("/records/", "Records")

    @task(1)
    def dashboard(self) -> None:
        self.open("/dashboards/", "Dashboard")


class HeadOfService(SignedInPerson):
    weight = 6
    usernames = ("head",)
    role = "head"

    @task(3)
    def my_work(self) -> None:
        self.open("/", "My work")

    @task(2)
    def dashboard(self) -> None:
        self.open("/dashboards/", "Dashboard")


class QualityAssurance(SignedInPerson):
    weight = 4
    usernames = ("auditor",)
    role = "quality"

    @task(2)
    def my_work(self) -> None:
        self.open("/", "My work")

    @task(2)
    def quality(self) -> None:
        self.open("/quality/", "Quality")

    @task(1)
    def dashboard(self) -> None:
        self.open("/dashboards/", "Dashboard")


class Director(SignedInPerson):
    fixed_count = 2
    usernames = ("director", "assistant-director")
    role = "director"

    @task(3)
    def my_work(self) -> None:
        self.open("/", "My work")

    @task(2)
    def dashboard(self) -> None:
        self.open("/dashboards/", "Dashboard")
