"""`make bench`: the compliance dashboards on the large demo council (issue 10).

Prints the time `oversight summarise` takes to recompute 12 month ends of figures for the whole
council (the facts loaded once, the engine run for each month end) and the organisation
dashboard's response time over repeated requests (median and 95th percentile), as quality
assurance opens it: it reads the summary table only. Uses the large council engine_bench.py
generates into data/bench/ (or the database DATABASE_URL names), generating it if missing.

Targets (issue 10): organisation dashboard p95 <= 300 ms; 12 month ends recomputed <= 60 s on one
core.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OVERSIGHT_DATA_DIR", str(ROOT / "data" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
AS_OF = dt.date(2026, 6, 30)
REQUESTS = 40


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from oversight.access.queries import QUALITY_ASSURANCE
    from oversight.dashboards.summaries import TREND_MONTHS, summarise
    from oversight.engine.loader import load_policy
    from oversight.organisation.models import Staff

    call_command("migrate", verbosity=0)
    if not Staff.objects.exists():
        print("Generating the large demo council (once)...", flush=True)
        call_command("demo", size="large", seed=1, as_of=AS_OF.isoformat(), verbosity=0)
    print(f"On {connection.vendor}, as of {AS_OF}.")

    started = time.perf_counter()
    stored = summarise(load_policy("bedford"), AS_OF, TREND_MONTHS)
    recompute = time.perf_counter() - started
    rows = sum(s.figures.count() for s in stored)
    slowest = max(s.seconds for s in stored)
    print(
        f"Recompute {TREND_MONTHS} month ends of figures, whole organisation: {recompute:.1f} s "
        f"({rows:,} rows; slowest month end {slowest:.1f} s; target <= 60 s)"
    )

    user, _ = User.objects.get_or_create(username="bench-quality-assurance")
    user.groups.add(Group.objects.get_or_create(name=QUALITY_ASSURANCE)[0])
    client = Client()
    client.force_login(user)
    url = f"/dashboards/organisation/?as_of={AS_OF.isoformat()}"
    assert client.get(url).status_code == 200  # warm: templates compiled, policy read
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(
        f"Organisation dashboard: median {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms over {REQUESTS} requests (target p95 <= 300 ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
