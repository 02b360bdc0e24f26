"""The audit trail: what an entry records, the hash chain, tamper detection and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from oversight.audit import seal, trail
from oversight.audit.models import GENESIS_HASH, AuditHead
from oversight.audit.trail import (
    AppendOnlyError,
    AuditEvent,
    audit,
    changes,
    verify_chain,
)
from tests.concurrency import at_once, only_on_postgresql
from tests.factories import SessionFactory, StaffFactory, UserFactory

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


class Clock:
    """Hands out explicit times, one second apart unless told otherwise."""

    def __init__(self, start: dt.datetime) -> None:
        self.next = start

    def __call__(self) -> dt.datetime:
        now = self.next
        self.next += dt.timedelta(seconds=1)
        return now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(dt.datetime(2025, 3, 4, 9, 30, 0, 123456, tzinfo=UTC))
    monkeypatch.setattr(trail, "_now", clock)
    return clock


@pytest.fixture
def three_entries(clock: Clock) -> list[AuditEvent]:
    user = UserFactory(username="amara.okafor")
    session = SessionFactory(date=dt.date(2025, 3, 3))
    return [
        audit(user, "view", session),
        audit(user, "change", session, detail={"notes": {"before": "a", "after": "b"}}),
        audit(user, "download", session),
    ]


def run_sql(sql: str, params: list[object]) -> None:
    """Change the trail behind the app's back, as the database's owner could.

    On PostgreSQL a superuser first switches off triggers, the one refusing changes among them.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql.replace("{table}", table), params)
        if postgresql:
            cursor.execute("SET session_replication_role = origin")


def verify_command() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def checkpoint_command() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "checkpoint", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def export_command(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("audit", "export", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


# What an entry records ---------------------------------------------------------------------------


def test_it_records_actor_action_object_ip_and_detail(clock: Clock) -> None:
    user = UserFactory(username="amara.okafor")
    session = SessionFactory(date=dt.date(2025, 3, 3), session_id="OV-0000000001")
    request = RequestFactory().get("/sessions/1/", REMOTE_ADDR="203.0.113.7")

    event = audit(
        user,
        "transition",
        session,
        request=request,
        detail={"from": "draft", "to": "signed", "why": "Agreed in supervision"},
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.at == dt.datetime(2025, 3, 4, 9, 30, 0, 123456, tzinfo=UTC)
    assert stored.actor == user
    assert stored.actor_label == "amara.okafor"
    assert stored.action == "transition"
    assert stored.object_type == "supervision.session"
    assert stored.object_id == str(session.pk)
    assert stored.object_label == "One-to-one supervision on 2025-03-03 (OV-0000000001)"
    assert stored.detail == {"from": "draft", "to": "signed", "why": "Agreed in supervision"}
    assert stored.ip_address == "203.0.113.7"


def test_it_keeps_the_username_at_the_time(clock: Clock) -> None:
    user = UserFactory(username="j.smith")
    event = audit(user, "sign_in", user)
    user.username = "j.smith-jones"
    user.save()

    assert AuditEvent.objects.get(pk=event.pk).actor_label == "j.smith"


def test_it_records_system_and_anonymous_actions_without_an_actor(clock: Clock) -> None:
    system = audit(None, "export", object_type="dataset", object_id="2025-03", object_label="Set")
    anonymous = audit(AnonymousUser(), "sign_in", detail={"username": "nobody", "ok": False})

    assert (system.actor, system.actor_label, system.object_type) == (None, "system", "dataset")
    assert (anonymous.actor, anonymous.actor_label) == (None, "anonymous")
    assert anonymous.object_type == anonymous.object_id == ""


def test_it_stores_dates_and_decimals_in_detail_as_text(clock: Clock) -> None:
    staff = StaffFactory()
    event = audit(
        None,
        "change",
        staff,
        detail=changes(
            {"start_date": dt.date(2024, 1, 8), "fte": Decimal("0.8"), "name": "A"},
            {"start_date": dt.date(2024, 2, 1), "fte": Decimal("0.8"), "name": "A"},
        ),
    )

    assert AuditEvent.objects.get(pk=event.pk).detail == {
        "start_date": {"before": "2024-01-08", "after": "2024-02-01"}
    }


def test_it_ignores_x_forwarded_for_unless_told_to_trust_it(clock: Clock, settings) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.44"
    )

    assert audit(None, "view", request=request).ip_address == "10.0.0.5"
    settings.OVERSIGHT_TRUSTED_PROXIES = 1
    # The right-most address is the one our proxy added; the left-most is the client's claim.
    assert audit(None, "view", request=request).ip_address == "192.0.2.44"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        # No proxy configured: whatever the header says, the address that connected.
        (0, "198.51.100.1", "10.0.0.5"),
        # Two proxies: the outer one appended the client's address, the inner one the outer's.
        (2, "203.0.113.66, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (1, "203.0.113.66, 198.51.100.1, 10.0.0.9", "10.0.0.9"),
        # Fewer addresses than proxies: it did not come through them all.
        (2, "198.51.100.1", "10.0.0.5"),
        (1, "", "10.0.0.5"),
        (1, "not an address", None),
    ],
)
def test_it_believes_only_as_many_forwarded_addresses_as_there_are_trusted_proxies(
    clock: Clock, settings, proxies: int, forwarded: str, address: str | None
) -> None:
    settings.OVERSIGHT_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    assert audit(None, "view", request=request).ip_address == address


def test_it_refuses_what_it_cannot_record(clock: Clock) -> None:
    with pytest.raises(ValueError, match="short snake_case word"):
        audit(None, "View Record")
    with pytest.raises(ValueError, match="unsaved"):
        audit(None, "create", StaffFactory.build())
    with pytest.raises(ValueError, match="Out of range float"):
        audit(None, "view", detail={"score": float("nan")})
    assert not AuditEvent.objects.exists()


def test_it_finds_entries_by_actor_object_time_and_action(clock: Clock) -> None:
    amara, ben = UserFactory(username="amara"), UserFactory(username="ben")
    first, second = SessionFactory(), SessionFactory()
    clock.next = dt.datetime(2025, 6, 30, 22, 59, 59, tzinfo=UTC)  # 23:59:59 on 30 June in BST
    late_june = audit(amara, "view", first)
    clock.next = dt.datetime(2025, 6, 30, 23, 0, 0, tzinfo=UTC)  # 00:00:00 on 1 July in BST
    first_july = audit(ben, "change", first)
    clock.next = dt.datetime(2025, 7, 1, 22, 59, 59, tzinfo=UTC)
    last_july = audit(amara, "view", second)

    assert list(AuditEvent.objects.by_actor(amara)) == [late_june, last_july]
    assert list(AuditEvent.objects.about(first)) == [late_june, first_july]
    assert list(AuditEvent.objects.of_action("change")) == [first_july]
    assert list(AuditEvent.objects.between(dt.date(2025, 7, 1), dt.date(2025, 7, 1))) == [
        first_july,
        last_july,
    ]
    assert list(
        AuditEvent.objects.between(
            dt.datetime(2025, 6, 30, 23, 0, tzinfo=UTC),
            dt.datetime(2025, 7, 1, 22, 59, 59, tzinfo=UTC),
        )
    ) == [first_july]
    assert list(AuditEvent.objects.between(None, dt.date(2025, 6, 30))) == [late_june]


# The chain ---------------------------------------------------------------------------------------


def test_it_links_each_entry_to_the_one_before(three_entries: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("pk"))

    assert stored[0].previous_hash == GENESIS_HASH
    assert [event.previous_hash for event in stored[1:]] == [event.hash for event in stored[:-1]]
    assert len({event.hash for event in stored}) == 3
    assert all(event.hash == event.compute_hash() for event in stored)


def test_it_hashes_the_same_after_the_database_reads_it_back(clock: Clock) -> None:
    awkward = {
        "zeta": 1,
        "alpha": {"nested": [3, 2, 1], "b": None, "a": True},
        "text": "Child's name: Zoë Ó'Brien — “quoted” \\ back\nslash",
        "numbers": [0.1, -0.0, 1e16, 2.5e-8, 12345678901234567890, Decimal("12.50")],
        "when": dt.datetime(2025, 3, 30, 3, 30, tzinfo=LONDON),
        "pair": ("a", "b"),
    }
    event = audit(
        None,
        "change",
        detail=awkward,
        object_type="supervision.session",
        object_id="OV-ÄÖ",
        object_label="Ünïcode label",
        request=RequestFactory().get("/", REMOTE_ADDR="2001:0DB8:0000:0000:0000:0000:0000:0001"),
    )
    mapped = audit(None, "view", request=RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.1"))

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == event.hash == stored.compute_hash()
    assert stored.ip_address == "2001:db8::1"
    assert AuditEvent.objects.get(pk=mapped.pk).ip_address == "192.0.2.1"
    assert verify_chain().intact


def test_it_chains_past_a_rolled_back_operation(clock: Clock) -> None:
    kept = audit(None, "view", object_type="t", object_id="1")

    def failing_operation() -> None:
        with transaction.atomic():
            audit(None, "change", object_type="t", object_id="1")
            raise RuntimeError("the operation failed, so its entry goes too")

    with pytest.raises(RuntimeError):
        failing_operation()
    after = audit(None, "view", object_type="t", object_id="1")

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk, after.pk]
    assert after.previous_hash == kept.hash
    assert verify_chain().intact


@only_on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_chain_under_concurrent_writers() -> None:
    def writer(worker: int) -> Callable[[], None]:
        def write() -> None:
            for n in range(10):
                audit(None, "view", object_type="test.concurrency", object_id=f"{worker}-{n}")

        return write

    assert at_once(*(writer(worker) for worker in range(8))) == []
    result = verify_chain()
    assert result.intact, result.message
    assert result.entries == 80


# Verifying ---------------------------------------------------------------------------------------


def test_it_verifies_an_untouched_trail(three_entries: list[AuditEvent]) -> None:
    result = verify_chain(chunk_size=2)

    assert result.intact
    assert result.entries == 3
    assert result.last_hash == three_entries[-1].hash
    assert result.message == f"Audit trail intact: 3 entries, last hash {three_entries[-1].hash}"


def test_it_verifies_an_empty_trail() -> None:
    assert verify_chain().message == "Audit trail intact: 0 entries, last hash none"


@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "'view'"), ("detail", """'{"notes": {"before": "a", "after": "forged"}}'""")],
)
def test_it_detects_an_entry_edited_in_the_database(
    three_entries: list[AuditEvent], column: str, value: str
) -> None:
    edited = three_entries[1]
    run_sql(f"UPDATE {{table}} SET {column} = {value} WHERE id = %s", [edited.pk])

    result = verify_chain()

    assert not result.intact
    assert result.broken is not None
    assert result.broken.id == edited.pk
    assert "no longer matches its hash" in result.broken.problem
    assert result.broken.check == "hash check"
    assert result.message.startswith(f"Audit trail broken at entry #{edited.pk} (2025-03-04 ")


def test_it_detects_a_deleted_entry_at_the_entry_after_the_gap(
    three_entries: list[AuditEvent],
) -> None:
    first, deleted, after = three_entries
    run_sql("DELETE FROM {table} WHERE id = %s", [deleted.pk])

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.id == after.pk
    assert f"is not the hash of entry #{first.pk}" in result.broken.problem
    assert result.broken.check == "chain check"
    assert result.last_hash == first.hash


def test_it_detects_a_deleted_first_entry(three_entries: list[AuditEvent]) -> None:
    run_sql("DELETE FROM {table} WHERE id = %s", [three_entries[0].pk])

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.id == three_entries[1].pk
    assert "the entries before it were deleted" in result.broken.problem


def test_it_detects_an_entry_whose_hash_was_recomputed_at_the_next_entry(
    three_entries: list[AuditEvent],
) -> None:
    # Someone who edits an entry and re-seals its hash cannot make its MAC without the key.
    edited = AuditEvent.objects.get(pk=three_entries[0].pk)
    edited.action = "view_list"
    run_sql(
        "UPDATE {table} SET action = %s, hash = %s WHERE id = %s",
        ["view_list", edited.compute_hash(), edited.pk],
    )

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.id == three_entries[0].pk
    assert result.broken.check == "MAC check"


# Tampering by someone who can write to the database but has not got the audit key -------------


def insert_forged_entry(after: AuditEvent, action: str = "view") -> int:
    """Append an entry by SQL, chained and hashed exactly as the app would, but without the key."""
    forged = AuditEvent(
        at=after.at + dt.timedelta(seconds=1),
        actor_label="mallory",
        action=action,
        object_type="supervision.session",
        object_id=after.object_id,
        detail={},
        previous_hash=after.hash,
    )
    forged.hash = forged.compute_hash()
    run_sql(
        "INSERT INTO {table} (at, actor_label, action, object_type, object_id, object_label, "
        "detail, previous_hash, hash, mac) VALUES (%s, %s, %s, %s, %s, '', '{}', %s, %s, %s)",
        [
            forged.at,
            forged.actor_label,
            forged.action,
            forged.object_type,
            forged.object_id,
            forged.previous_hash,
            forged.hash,
            "0" * 64,
        ],
    )
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]


def rewrite_chain_from(entries: list[AuditEvent], index: int, action: str) -> None:
    """Edit one entry and recompute its hash and every hash after it, keeping the chain whole."""
    previous = entries[index - 1].hash if index else GENESIS_HASH
    for position, stored in enumerate(entries[index:]):
        event = AuditEvent.objects.get(pk=stored.pk)
        if position == 0:
            event.action = action
        event.previous_hash = previous
        event.hash = event.compute_hash()
        # A placeholder first, so the unique hashes never clash half way through.
        run_sql(
            "UPDATE {table} SET action = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [event.action, f"x{event.pk}", f"y{event.pk}", event.pk],
        )
        run_sql(
            "UPDATE {table} SET previous_hash = %s, hash = %s WHERE id = %s",
            [event.previous_hash, event.hash, event.pk],
        )
        previous = event.hash


def test_it_detects_a_forged_entry_appended_with_its_hash_recomputed(
    three_entries: list[AuditEvent],
) -> None:
    forged_id = insert_forged_entry(after=three_entries[-1])

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.id == forged_id
    assert result.broken.check == "MAC check"
    assert result.message.startswith(f"Audit trail broken at entry #{forged_id} (")
    assert "found by the MAC check: its MAC is not the one the audit key gives" in result.message


def test_it_detects_an_edit_after_which_the_whole_chain_was_recomputed(
    three_entries: list[AuditEvent],
) -> None:
    rewrite_chain_from(three_entries, 1, action="view")
    # The hashes and links are all whole again: only the MAC shows what happened.
    for event in AuditEvent.objects.all():
        assert event.compute_hash() == event.hash

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.id == three_entries[1].pk
    assert result.broken.check == "MAC check"


def test_it_detects_entries_deleted_from_the_end(three_entries: list[AuditEvent]) -> None:
    _, second, third = three_entries
    run_sql("DELETE FROM {table} WHERE id = %s", [third.pk])

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.check == "head check"
    assert result.message == (
        f"Audit trail broken after entry #{second.pk}, found by the head check: the head record "
        f"says the trail has 3 entries up to entry #{third.pk}, but it ends at entry #{second.pk} "
        "after 2: entries were deleted from the end"
    )


def test_it_detects_every_entry_deleted(three_entries: list[AuditEvent]) -> None:
    run_sql("DELETE FROM {table} WHERE id > %s", [0])

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.check == "head check"
    assert "but it is empty" in result.message


def test_it_detects_the_head_record_deleted_or_forged(three_entries: list[AuditEvent]) -> None:
    head_table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {head_table} SET entries = 2, last_id = %s", [three_entries[1].pk])
    assert "head record's signature is not the one" in verify_chain().message

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {head_table}")
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.check == "head check"
    assert "the head record is missing" in result.message


def test_a_checkpoint_catches_the_end_cut_off_and_an_old_head_put_back(
    three_entries: list[AuditEvent], clock: Clock
) -> None:
    head_table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entries, last_id, last_mac, mac FROM {head_table}")
        old_head = cursor.fetchone()
    user = three_entries[0].actor
    audit(user, "view")
    last = audit(user, "download")
    code, out, _ = checkpoint_command()
    assert code == 0
    assert f"5 entries up to entry #{last.pk}" in out

    # Someone cuts the last two entries off and puts back the head they copied before them.
    run_sql("DELETE FROM {table} WHERE id > %s", [three_entries[-1].pk])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {head_table} SET entries = %s, last_id = %s, last_mac = %s, mac = %s",
            list(old_head),
        )

    code, _, err = verify_command()

    assert code == 1
    assert err.startswith(
        f"Audit trail broken after entry #{three_entries[-1].pk}, found by the checkpoint check: "
        "the checkpoint of "
    )
    assert f"says the trail has 5 entries up to entry #{last.pk}" in err


def test_it_refuses_a_checkpoint_file_not_signed_with_the_key(
    three_entries: list[AuditEvent], settings
) -> None:
    assert checkpoint_command()[0] == 0
    checkpoint = Path(settings.OVERSIGHT_AUDIT_CHECKPOINT)
    checkpoint.write_text(checkpoint.read_text().replace('"entries": 3', '"entries": 2'))

    result = verify_chain()

    assert result.broken is not None
    assert result.broken.check == "checkpoint check"
    assert "is not signed with the audit key" in result.message


def test_it_verifies_with_a_key_of_its_own_and_fails_if_the_key_changes(
    clock: Clock, settings
) -> None:
    settings.OVERSIGHT_AUDIT_KEY = "ab" * 32
    user = UserFactory()
    audit(user, "view")
    assert verify_chain().intact

    settings.OVERSIGHT_AUDIT_KEY = "cd" * 32
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.check == "head check"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "is set but empty"),
        ("secret", "at least 64 hexadecimal characters"),
        ("ab" * 31, "at least 64 hexadecimal characters"),
        ("ab" * 32 + " ", "at least 64 hexadecimal characters"),
        ("zz" * 32, "at least 64 hexadecimal characters"),
    ],
)
def test_it_refuses_an_audit_key_it_cannot_use(value: str, problem: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=problem):
        seal.parse_key(value)


def test_it_reads_a_hexadecimal_audit_key() -> None:
    assert seal.parse_key("AB" * 32) == bytes([0xAB]) * 32
    assert seal.parse_key(None) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_itself_refuses_to_change_or_delete_an_entry(
    three_entries: list[AuditEvent],
) -> None:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    for sql in (f"UPDATE {table} SET action = 'view'", f"DELETE FROM {table}"):
        with (
            pytest.raises(DatabaseError, match="The audit trail is append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert verify_chain().intact


# Append-only -------------------------------------------------------------------------------------


def test_it_refuses_to_change_or_delete_entries_through_the_orm(
    three_entries: list[AuditEvent],
) -> None:
    event = AuditEvent.objects.get(pk=three_entries[0].pk)
    event.action = "delete"

    with pytest.raises(AppendOnlyError, match=f"changing audit entry #{event.pk}"):
        event.save()
    with pytest.raises(AppendOnlyError, match=f"deleting audit entry #{event.pk}"):
        event.delete()
    with pytest.raises(AppendOnlyError, match="updating entries"):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(AppendOnlyError, match="deleting entries"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError, match="updating entries"):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert verify_chain().intact


def test_it_refuses_entries_written_round_the_chain(clock: Clock) -> None:
    with pytest.raises(AppendOnlyError, match="built by hand"):
        AuditEvent.objects.create(at=clock(), action="view", previous_hash="0", hash="0")
    with pytest.raises(AppendOnlyError, match="bulk-creating"):
        AuditEvent.objects.bulk_create([AuditEvent(at=clock(), action="view")])
    assert not AuditEvent.objects.exists()


def test_it_keeps_users_who_appear_in_the_trail(clock: Clock) -> None:
    user = UserFactory()
    audit(user, "sign_in", user)

    with pytest.raises(ProtectedError):
        user.delete()


def test_it_offers_no_way_to_add_change_or_delete_in_the_admin(clock: Clock) -> None:
    admin = site._registry[AuditEvent]
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    event = audit(request.user, "view")

    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, event)
    assert not admin.has_delete_permission(request, event)
    assert AuditEvent._meta.default_permissions == ("view",)


# The command -------------------------------------------------------------------------------------


def test_it_exits_0_and_says_intact(three_entries: list[AuditEvent]) -> None:
    code, out, err = verify_command()

    assert code == 0
    assert out == f"Audit trail intact: 3 entries, last hash {three_entries[-1].hash}\n"
    assert err == ""


def test_it_exits_1_and_names_the_broken_entry(three_entries: list[AuditEvent]) -> None:
    edited = three_entries[1]
    run_sql("UPDATE {table} SET action = 'view' WHERE id = %s", [edited.pk])

    code, out, err = verify_command()

    assert code == 1
    assert out == ""
    assert err == (
        f"Audit trail broken at entry #{edited.pk} (2025-03-04 09:30:01+00:00, view, "
        f'supervision.session {edited.object_id} "{edited.object_label}"), found by the hash '
        "check: its content no longer matches its hash: it was changed after it was written\n"
    )


def test_it_exports_csv_with_formulas_neutralised(clock: Clock) -> None:
    user = UserFactory(username="@evil")
    audit(user, "view", object_type="x", object_id="-1", object_label="=cmd|' /C calc'!A0")

    rows = export_command()

    assert rows[0]["actor"] == "'@evil"
    assert rows[0]["object_id"] == "'-1"
    assert rows[0]["object_label"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["at"] == "2025-03-04T09:30:00.123456+00:00"
    assert rows[0]["hash"] == AuditEvent.objects.get(action="view").hash


def test_it_exports_only_the_days_and_actor_asked_for(clock: Clock) -> None:
    amara, ben = UserFactory(username="amara"), UserFactory(username="ben")
    for day, user in [(3, amara), (4, amara), (4, ben), (5, amara)]:
        clock.next = dt.datetime(2025, 3, day, 12, 0, tzinfo=UTC)
        audit(user, "view", object_type="t", object_id=str(day))

    rows = export_command("--from", "2025-03-04", "--to", "2025-03-05", "--actor", "amara")

    assert [(row["actor"], row["object_id"]) for row in rows] == [("amara", "4"), ("amara", "5")]


def test_it_records_the_export_itself(clock: Clock) -> None:
    audit(None, "view", object_type="t", object_id="1")

    export_command("--from", "2025-03-04")

    export = AuditEvent.objects.of_action("export").get()
    assert export.actor is None
    assert export.detail["from"] == "2025-03-04"
    assert export.detail["entries"] == 1
    assert verify_chain().intact
