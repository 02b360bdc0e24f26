"""`make bench`: 50 signed-in people using Oversight at once on the large council (issue 15).

Serves the large demo council with gunicorn as the README says to run it on 2 cores, then runs
locust headless on loopback: 50 people of mixed roles, two directors among them, each signing in
and then opening their pages with 2 to 6 seconds' thought between. Prints p50/p95/p99 and errors
for each page and role, and for everything together.

The council is its own, in a database beside DATABASE_URL's (its name ends `_today`), generated
with its history running up to today and generated again once that is over a week old. The
engine's benchmarks keep a council of a fixed date, so their figures compare from run to run;
served on a later day, that council has had no supervision for months and every manager owns
hundreds of overdue items, which is no council's ordinary day.

Before the load the obligations store and the dashboards' figures are brought up to date for
today, as the nightly run would have: the test measures the day's pages, not the first request
of the day.

Target (issue 15): p95 <= 150 ms over all pages, 0 errors, directors included: over every page
opened once its person has signed in, the pages opened during the others' sign-in burst included.
The same over the pages after the burst is printed beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from database import ensure_database

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
os.environ.setdefault("OVERSIGHT_DATA_DIR", str(ROOT / "data" / "bench"))
USERS = 50
SPAWN_RATE = 10  # people signing in per second: a burst, as at 9 o'clock
RUN_TIME = "90s"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it served a page; see its output above.")
        try:
            urllib.request.urlopen(url + "/sign-in/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url} within 60 s.")


# How old the council's history may be before it is generated again.
FRESH_FOR = dt.timedelta(days=7)


def council_of_today() -> None:
    """Point DATABASE_URL at the load test's own council, its history up to this week."""
    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.strip("/") + "_today"
    os.environ["DATABASE_URL"] = url._replace(path="/" + name).geturl()
    ensure_database()
    oversight = str(BIN / "oversight")
    subprocess.run([oversight, "migrate", "--no-input", "-v", "0"], check=True)
    today = dt.date.today()
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        row = connection.execute("SELECT max(recorded_date) FROM supervision_session").fetchone()
    latest = row[0] if row else None
    if latest is not None and latest >= today - FRESH_FOR:
        return
    print(f"Generating the large demo council with its history up to {today} (once a week)...")
    if latest is not None:
        # A new database rather than emptying this one: the audit trail refuses deletions.
        server = url._replace(path="/postgres").geturl()
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        ensure_database()
        subprocess.run([oversight, "migrate", "--no-input", "-v", "0"], check=True)
    subprocess.run(
        [oversight, "demo", "--size", "large", "--seed", "1", "--as-of", today.isoformat()],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_today() -> None:
    """The day's store and figures, as cron leaves them after midnight."""
    oversight = str(BIN / "oversight")
    subprocess.run([oversight, "obligations_store", "refresh"], check=True)
    subprocess.run([oversight, "summarise", "--months", "1"], check=True, stdout=subprocess.DEVNULL)


def report(stats_csv: Path) -> int:
    with stats_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"{'page (role)':<28} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}  ms")
    failures = 0
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
        print(
            f"{row['Name']:<28} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    return failures


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p50, p95, p99 = (times[int(len(times) * q / 100)] for q in (50, 95, 99))
    return f"{len(times)} requests, p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms"


def report_pages(requests: list[tuple[float, str, float]]) -> None:
    """The pages alone: all of them, then those after the last person signed in."""
    pages = [(ended, ms) for ended, name, ms in requests if not name.startswith("Sign")]
    if not pages:
        return
    print(f"Pages once signed in: {percentiles([ms for _, ms in pages])}")
    burst_over = max(ended for ended, name, _ in requests if name == "Sign in")
    steady = [ms for ended, ms in pages if ended > burst_over]
    if steady:
        print(f"Pages after the sign-in burst: {percentiles(steady)}")


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("The load test runs against PostgreSQL: set DATABASE_URL (make bench does).")
        return 0
    council_of_today()
    prepare_today()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Served as the README's "Running it for real" says: gunicorn.conf.py, read from ROOT.
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "oversight.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    try:
        wait_until_serving(url, server)
        with tempfile.TemporaryDirectory() as folder:
            prefix = Path(folder) / "load"
            page_times = Path(folder) / "page-times.json"
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "--locustfile",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--users",
                    str(USERS),
                    "--spawn-rate",
                    str(SPAWN_RATE),
                    "--run-time",
                    RUN_TIME,
                    "--host",
                    url,
                    "--csv",
                    str(prefix),
                ],
                check=False,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "OVERSIGHT_PAGE_TIMES": str(page_times)},
            )
            print(
                f"Load test: {USERS} signed-in people, two directors among them, {RUN_TIME}, "
                f"gunicorn as gunicorn.conf.py says on {os.cpu_count()} cores, PostgreSQL"
            )
            failures = report(Path(f"{prefix}_stats.csv"))
            requests = json.loads(page_times.read_text()) if page_times.exists() else []
            if keep := os.environ.get("OVERSIGHT_KEEP_PAGE_TIMES"):
                Path(keep).write_text(json.dumps(requests))
            report_pages(requests)
            print(f"Errors: {failures} (target 0); target p95 <= 150 ms over all pages")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
