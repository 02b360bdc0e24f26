"""`make bench`: the obligations engine on the large demo council.

Prints, for the whole organisation: the time to load the facts from the database, the engine's
time and peak memory, facts and engine together, the `oversight obligations` command end to end,
and beside them the raw-SQL floor (the latest supervision of every open case and every member of
staff, in one query) with the ratio; then one worker's obligations (their caseload) end to end.
Each figure is the median of a few runs (the machine may be busy). The large council is generated
once into data/bench/ (or the database DATABASE_URL names) and reused.

Then the obligations store refreshed for the day, and My work for a worker, a manager, a head of
service, an assistant director and a director, read from it.

Targets (issues 3 and 15): facts + engine for the whole council <= 1 s on one core (facts load
<= 0.4 s); one worker < 10 ms; My work <= 150 ms, a director's <= 300 ms.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OVERSIGHT_DATA_DIR", str(ROOT / "data" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
AS_OF = dt.date(2026, 6, 30)


def timed[T](run: Callable[[], T], times: int) -> tuple[float, T]:
    """The median time of `times` runs, in seconds, and the last run's result."""
    seconds = []
    result: Any = None
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def latest_supervision_floor() -> list[tuple[Any, ...]]:
    """The raw-SQL floor: the latest supervision of each open case and each member of staff on
    AS_OF, in one query. No report can be made faster than the database answers this."""
    from django.db import connection

    from oversight.cases.models import Case
    from oversight.organisation.models import Staff
    from oversight.supervision.models import Session, SessionCase

    case, staff = Case._meta.db_table, Staff._meta.db_table
    session, link = Session._meta.db_table, SessionCase._meta.db_table
    sql = f"""
        SELECT 'case', c.case_id, MAX(s.date)
        FROM {case} c
        JOIN {link} sc ON sc.case_id = c.id
        JOIN {session} s ON s.id = sc.session_id
        WHERE c.open_date <= %s AND (c.close_date IS NULL OR c.close_date >= %s)
          AND s.date <= %s AND s.type IN ('individual', 'case_discussion')
        GROUP BY c.case_id
        UNION ALL
        SELECT 'staff', st.staff_id, MAX(s.date)
        FROM {staff} st
        JOIN {session} s ON s.supervisee_id = st.id
        WHERE st.start_date <= %s AND (st.end_date IS NULL OR st.end_date >= %s)
          AND s.date <= %s AND s.type = 'individual'
        GROUP BY st.staff_id
    """  # table names from the models; the dates are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [AS_OF] * 6)
        return cursor.fetchall()


def main() -> None:
    import django
    from database import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from oversight.cases.models import Case
    from oversight.engine.engine import compute_obligations
    from oversight.engine.loader import load_policy
    from oversight.facts.from_database import load_facts
    from oversight.organisation.models import Staff

    call_command("migrate", verbosity=0)
    if not Staff.objects.exists():
        print("Generating the large demo council (once)...", flush=True)
        started = time.perf_counter()
        call_command("demo", size="large", seed=1, as_of=AS_OF.isoformat(), verbosity=0)
        print(f"  generated in {time.perf_counter() - started:.1f} s")
    print(f"On {connection.vendor}, as of {AS_OF}; medians of the runs shown.")

    every_row_seconds, every_row = timed(load_facts, 3)
    load_seconds, facts = timed(lambda: load_facts(as_of=AS_OF), 5)
    print(
        f"Facts: {len(facts.staff)} staff, {len(facts.cases)} cases carrying obligations "
        f"(of {len(every_row.cases)}), {len(facts.sessions)} sessions, "
        f"{len(facts.allocations)} allocations"
    )
    print(f"Load facts, whole organisation, for as_of: {load_seconds:.3f} s (5 runs)")
    print(f"Load facts, whole organisation, every row: {every_row_seconds:.3f} s (3 runs)")

    for name in ("bedford", "newham"):
        policy = load_policy(name)
        engine_seconds, obligations = timed(
            lambda policy=policy: compute_obligations(policy, facts, AS_OF), 3
        )
        tracemalloc.start()
        compute_obligations(policy, facts, AS_OF)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"Engine, {name}: {len(obligations)} obligations in {engine_seconds:.3f} s (3 runs) "
            f"= {len(obligations) / engine_seconds:,.0f} per second; "
            f"peak memory {peak / 2**20:.0f} MiB"
        )

    policy = load_policy("bedford")
    whole_seconds, _ = timed(lambda: compute_obligations(policy, load_facts(as_of=AS_OF), AS_OF), 3)
    floor_seconds, floor = timed(latest_supervision_floor, 5)
    command_seconds, _ = timed(
        lambda: call_command(
            "obligations", policy="bedford", as_of=AS_OF.isoformat(), stdout=io.StringIO()
        ),
        3,
    )
    print(f"Raw-SQL floor (latest supervision, {len(floor)} rows): {floor_seconds:.3f} s (5 runs)")
    print(
        f"Facts + engine, whole organisation (bedford): {whole_seconds:.3f} s (3 runs) = "
        f"{whole_seconds / floor_seconds:.1f} x the floor"
    )
    print(
        f"`oversight obligations` CSV, whole organisation: {command_seconds:.3f} s (3 runs) = "
        f"{command_seconds / floor_seconds:.1f} x the floor"
    )

    workers = list(
        Staff.objects.filter(category="case_holder").active_on(AS_OF).order_by("staff_id")[:50]
    )
    timings = []
    for worker in workers:
        started = time.perf_counter()
        narrowed = load_facts(
            staff=Staff.objects.filter(pk=worker.pk), cases=Case.objects.allocated_to(worker, AS_OF)
        )
        compute_obligations(policy, narrowed, AS_OF)
        timings.append(time.perf_counter() - started)
    engine_only = []
    for worker in workers[:10]:
        narrowed = load_facts(
            staff=Staff.objects.filter(pk=worker.pk), cases=Case.objects.allocated_to(worker, AS_OF)
        )
        started = time.perf_counter()
        compute_obligations(policy, narrowed, AS_OF)
        engine_only.append(time.perf_counter() - started)
    print(
        f"One worker (caseload), load + engine: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms over {len(timings)} workers; "
        f"engine alone median {statistics.median(engine_only) * 1000:.2f} ms"
    )

    my_work_pages()


def my_work_pages() -> None:
    """The obligations store refreshed for the day, then My work for each kind of person, read
    from it (issue 15: each <= 150 ms; a director's <= 300 ms)."""
    import time_machine
    from django.contrib.auth.models import User
    from django.test import Client

    from oversight.obligations import store

    refresh_seconds, rows = timed(lambda: store.refresh_all(AS_OF), 1)
    print(f"Obligations store, whole organisation: {rows} rows stored in {refresh_seconds:.1f} s")
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0), tick=True):
        for username in ("worker", "manager", "head", "assistant-director", "director"):
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            client = Client()
            client.force_login(user)
            client.get("/")  # warm: templates, the policy, the store checked current
            seconds, response = timed(lambda client=client: client.get("/"), 5)
            print(
                f"My work, {username}: {seconds * 1000:.0f} ms (median of 5), "
                f"status {response.status_code}"
            )


if __name__ == "__main__":
    sys.exit(main())
