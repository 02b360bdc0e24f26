"""Facts loaded from the database give the engine the same answers as the data set they hold."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.cases.models import Case
from oversight.engine.engine import compute_obligations
from oversight.engine.loader import load_policy
from oversight.facts.from_database import load_facts
from oversight.import_export.importer import import_folder
from oversight.import_export.reader import read_dataset, to_facts
from oversight.organisation.models import Staff
from tests.paths import conformance_folders

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 4, 25)


@pytest.mark.parametrize("folder", conformance_folders(), ids=lambda p: p.name)
def test_it_loads_the_same_facts_the_data_set_holds(folder) -> None:
    import_folder(folder, changed_on=dt.date(2026, 1, 5))
    policy = load_policy("bedford")

    from_database = compute_obligations(policy, load_facts(), AS_OF)
    for_the_day = compute_obligations(policy, load_facts(as_of=AS_OF), AS_OF)
    from_files = compute_obligations(policy, to_facts(read_dataset(folder)), AS_OF)

    assert sorted(from_database, key=repr) == sorted(from_files, key=repr)
    assert sorted(for_the_day, key=repr) == sorted(from_files, key=repr)


def test_it_gives_one_workers_obligations_from_just_their_facts() -> None:
    import_folder(conformance_folders()[2], changed_on=dt.date(2026, 1, 5))
    policy = load_policy("bedford")
    worker = Staff.objects.get(staff_id="S02")
    caseload = Case.objects.allocated_to(worker, AS_OF)
    subjects = {("staff", "S02"), *(("case", c.case_id) for c in caseload)}

    narrowed = load_facts(staff=Staff.objects.filter(pk=worker.pk), cases=caseload)

    assert compute_obligations(policy, narrowed, AS_OF, subjects=subjects) == (
        compute_obligations(policy, load_facts(), AS_OF, subjects=subjects)
    )
    assert {c.case_id for c in narrowed.cases} == {"C01", "C02", "C05"}


def test_it_lists_a_workers_obligations_most_urgent_first(settings) -> None:
    from oversight.facts.live import worker_obligations

    settings.OVERSIGHT_POLICY = "bedford"
    import_folder(conformance_folders()[2], changed_on=dt.date(2026, 1, 5))

    found = worker_obligations(Staff.objects.get(staff_id="S01"), AS_OF)

    assert {(o.subject_type, o.subject_id) for o in found} == {
        ("staff", "S01"),
        ("case", "C03"),
        ("case", "C04"),
    }
    statuses = [o.status for o in found]
    assert statuses == sorted(statuses, key=["overdue", "due_soon", "ok", "met_late", "met"].index)
    assert found[0].status == "overdue"


def test_it_leaves_an_agreement_that_is_still_being_agreed_out_of_the_facts() -> None:
    from oversight.supervision.models import Agreement

    import_folder(conformance_folders()[0], changed_on=dt.date(2026, 1, 5))
    s05 = Staff.objects.get(staff_id="S05")
    Agreement.objects.create(
        staff=s05, supervisor=s05.line_manager_on(dt.date(2025, 6, 30)), frequency="7d"
    )

    agreements = [a for a in load_facts().agreements if a.staff_id == "S05"]

    assert agreements == []
