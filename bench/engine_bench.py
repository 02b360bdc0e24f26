"""`make bench`: the obligations engine on the large demo council.

Prints the time to load the facts from the database, the engine's time and peak memory for the
whole organisation, obligations per second, and one worker's obligations (their caseload) end to
end. The large council is generated once into data/bench/ and reused.

Targets (issue 3): whole council < 1 s of engine time on one core; one worker < 10 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OVERSIGHT_DATA_DIR", str(ROOT / "data" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
AS_OF = dt.date(2026, 6, 30)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

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

    started = time.perf_counter()
    facts = load_facts()
    load_seconds = time.perf_counter() - started
    print(
        f"Facts: {len(facts.staff)} staff, {len(facts.cases)} cases, "
        f"{len(facts.sessions)} sessions, {len(facts.allocations)} allocations"
    )
    print(f"Load facts from the database: {load_seconds:.2f} s")

    for name in ("bedford", "newham"):
        policy = load_policy(name)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            obligations = compute_obligations(policy, facts, AS_OF)
            runs.append(time.perf_counter() - started)
        tracemalloc.start()
        compute_obligations(policy, facts, AS_OF)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        best = min(runs)
        print(
            f"{name}: {len(obligations)} obligations in {best:.3f} s (best of 3) = "
            f"{len(obligations) / best:,.0f} per second; engine peak memory {peak / 2**20:.0f} MiB"
        )

    policy = load_policy("bedford")
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


if __name__ == "__main__":
    sys.exit(main())
