"""The audit trail's one table: append-only entries, each sealed with a SHA-256 hash chain.

Each entry's `hash` covers a canonical serialisation of its content and the previous entry's hash,
so an entry changed, removed or slipped in directly in the database breaks the chain at that point
and `verify_chain()` names it. Each entry also carries a MAC made with a key the database does not
hold (oversight.audit.seal), so recomputing the hashes does not hide a change; and the head record,
updated with every entry, says where the trail ends, so entries cut off the end are noticed too.
The ORM refuses to change or delete entries, and on PostgreSQL a trigger refuses it to everyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone

from oversight.audit import seal

# The previous_hash of the very first entry.
GENESIS_HASH = "0" * 64

# Bumped if the canonical serialisation ever changes, so old entries still verify by their format.
HASH_FORMAT = 1

# Every writer of the trail takes this PostgreSQL advisory lock, so that reading the last hash and
# inserting the next entry happen as one step. A fixed, arbitrary 64-bit key ("audit" in ASCII).
PG_ADVISORY_LOCK_KEY = 0x6175646974

ACTION_MAX_LENGTH = 32
OBJECT_TYPE_MAX_LENGTH = 200
OBJECT_ID_MAX_LENGTH = 255
OBJECT_LABEL_MAX_LENGTH = 255
ACTOR_LABEL_MAX_LENGTH = 150


class AppendOnlyError(RuntimeError):
    """An attempt to change, delete or hand-write an audit entry through the ORM."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(
        f"The audit trail is append-only: {what} is refused. "
        "Record a new entry with oversight.audit.trail.audit() instead."
    )


# Canonical serialisation ----------------------------------------------------------------------


def canonical_datetime(value: dt.datetime) -> str:
    # SQLite hands back UTC, PostgreSQL the session time zone: hash one fixed form of the instant.
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_ip(value: str | None) -> str | None:
    # PostgreSQL's inet and SQLite's text may spell one IPv6 address differently.
    if not value:
        return None
    return ipaddress.ip_address(value).exploded


def _json_safe_number(value: float) -> float | str:
    # jsonb keeps numbers as numeric and writes them back without an exponent, so 1e+16 would come
    # back as the integer 10000000000000000 and -0.0 as 0.0: hash what survives the round trip.
    if value == 0:
        return 0.0
    text = repr(value)
    return text if "e" in text or "E" in text else value


def _json_safe(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return _json_safe_number(value)
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    raise TypeError(f"Cannot store {type(value).__name__} in an audit entry's detail")


def normalise_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """The detail exactly as it will read back from either database: plain JSON types only.

    Dates, datetimes, decimals and UUIDs become strings (as DjangoJSONEncoder writes them), tuples
    become lists, dictionary keys become strings, and floats that Python writes with an exponent
    (1e+16) are kept as that text. NaN and infinity are refused: PostgreSQL's jsonb cannot hold
    them.
    """
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise TypeError("An audit entry's detail must be a mapping")
    text = json.dumps(dict(detail), cls=DjangoJSONEncoder, allow_nan=False)
    return _json_safe(json.loads(text))


def canonical_content(
    *,
    at: dt.datetime,
    actor_id: object,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    detail: Mapping[str, Any],
    ip_address: str | None,
    previous_hash: str,
) -> bytes:
    content = {
        "format": HASH_FORMAT,
        "at": canonical_datetime(at),
        "actor_id": None if actor_id is None else str(actor_id),
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "detail": detail,
        "ip_address": canonical_ip(ip_address),
        "previous_hash": previous_hash,
    }
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


# Queries ---------------------------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def by_actor(self, user: Any) -> AuditEventQuerySet:
        return self.filter(actor=user)

    def about(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def between(
        self, start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None
    ) -> AuditEventQuerySet:
        """Entries from `start` (inclusive) until `end`; either may be None for no limit.

        A datetime `end` is exclusive; a date `end` includes that whole day. Dates are days in
        the app's time zone (Europe/London).
        """
        qs = self
        if start is not None:
            if not isinstance(start, dt.datetime):
                start = _start_of(start)
            qs = qs.filter(at__gte=start)
        if end is not None:
            if not isinstance(end, dt.datetime):
                end = _start_of(end + dt.timedelta(days=1))
            qs = qs.filter(at__lt=end)
        return qs

    def of_action(self, *actions: str) -> AuditEventQuerySet:
        return self.filter(action__in=actions)

    # Django's bulk paths skip Model.save() and Model.delete(), so they are shut here as well.
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("updating entries")

    def _update(self, values: Any) -> NoReturn:
        _refuse("updating entries")

    def delete(self) -> NoReturn:
        _refuse("deleting entries")

    def _raw_delete(self, using: str | None) -> NoReturn:
        _refuse("deleting entries")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk-creating entries, which bypasses the hash chain,")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("updating entries")


# mypy cannot check a base class made by a call; the django-stubs plugin still gives the manager
# AuditEventQuerySet's methods.
class AuditEventManager(models.Manager.from_queryset(AuditEventQuerySet)):  # type: ignore[misc]
    def _append(self, clock: Callable[[], dt.datetime], **fields: Any) -> AuditEvent:
        """Write the next entry, chained to the last. Only `trail.audit()` should call this."""
        db = router.db_for_write(self.model)
        with transaction.atomic(using=db):
            self._lock_chain(db)
            previous = self.using(db).order_by("-pk").values_list("hash", flat=True).first()
            # The time is read under the lock, so times never run backwards along the chain.
            event: AuditEvent = self.model(
                at=clock(), previous_hash=previous or GENESIS_HASH, **fields
            )
            content = event.canonical_content()
            event.hash = hashlib.sha256(content).hexdigest()
            event.mac = seal.entry_mac(content)
            event._appending = True
            event.save(using=db, force_insert=True)
            AuditHead.advance(event, using=db)
        return event

    def _lock_chain(self, db: str) -> None:
        connection = connections[db]
        if connection.vendor == "postgresql":
            # select_for_update on the last row would not do: a writer that waited for it would
            # still see the old last row, and two entries would name the same predecessor.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_ADVISORY_LOCK_KEY])
        elif connection.vendor == "sqlite":
            # SQLite begins transactions deferred: a write that changes nothing still takes the
            # database's write lock now, before the last hash is read, so other writers wait.
            table = connection.ops.quote_name(self.model._meta.db_table)
            column = connection.ops.quote_name(self.model._meta.pk.column)
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE 1 = 0")
        else:
            list(self.using(db).select_for_update().order_by("-pk").values_list("pk")[:1])


# The entry -------------------------------------------------------------------------------------


class AuditEvent(models.Model):
    at = models.DateTimeField(editable=False)
    # PROTECT: a user who appears in the trail cannot be deleted (deactivate them instead).
    # SET_NULL would rewrite audit rows behind the ORM's back and break the hash chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="audit_events",
    )
    actor_label = models.CharField(
        max_length=ACTOR_LABEL_MAX_LENGTH,
        editable=False,
        help_text="The actor's username when the entry was written; 'system' for system actions.",
    )
    action = models.CharField(max_length=ACTION_MAX_LENGTH, editable=False)
    object_type = models.CharField(max_length=OBJECT_TYPE_MAX_LENGTH, blank=True, editable=False)
    object_id = models.CharField(max_length=OBJECT_ID_MAX_LENGTH, blank=True, editable=False)
    object_label = models.CharField(max_length=OBJECT_LABEL_MAX_LENGTH, blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # HMAC-SHA256 of the same content with the audit key (oversight.audit.seal).
    mac = models.CharField("MAC", max_length=64, editable=False)

    objects = AuditEventManager()

    # Set only by AuditEventManager._append, so save() can tell a sealed new entry from any other.
    _appending: bool = False

    class Meta:
        ordering = ["pk"]
        # Related lookups and deletion collection use the base manager: make it the guarded one.
        base_manager_name = "objects"
        # No add, change or delete permission exists to be granted, in the admin or anywhere.
        default_permissions = ("view",)
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_about"),
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["action"], name="audit_action"),
        ]
        constraints = [
            # Two writers that both chained onto one entry would fork the trail: never commit both.
            models.UniqueConstraint(fields=["previous_hash"], name="audit_one_successor"),
        ]

    def __str__(self) -> str:
        about = f" {self.object_type} {self.object_id}".rstrip() if self.object_type else ""
        return f"#{self.pk} {self.at} {self.actor_label} {self.action}{about}"

    def save(self, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(f"changing audit entry #{self.pk}")
        if not self._appending:
            _refuse("saving an entry built by hand")
        self._appending = False
        super().save(**kwargs)

    def delete(self, using: str | None = None, keep_parents: bool = False) -> NoReturn:
        _refuse(f"deleting audit entry #{self.pk}")

    def canonical_content(self) -> bytes:
        return canonical_content(
            at=self.at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            object_label=self.object_label,
            detail=self.detail,
            ip_address=self.ip_address,
            previous_hash=self.previous_hash,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()

    def compute_mac(self) -> str:
        return seal.entry_mac(self.canonical_content())


class AuditHead(models.Model):
    """Where the trail ends: its number of entries and its last entry, signed with the audit key.

    One row, moved on in the same transaction as each entry, under the chain's lock. Deleting
    entries from the end leaves the chain whole, but not this; and it cannot be re-signed to
    match without the key. (Putting back an older head copied earlier would match a trail cut
    back to it: the checkpoint file outside the database is what catches that.)
    """

    entries = models.BigIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    last_mac = models.CharField(max_length=64, blank=True)
    mac = models.CharField("MAC", max_length=64)

    class Meta:
        default_permissions = ()
        verbose_name = "audit trail head"

    def __str__(self) -> str:
        return f"{self.entries} entries, last #{self.last_id}"

    def signature(self) -> str:
        return seal.mark_mac("head", self.entries, self.last_id, self.last_mac)

    @classmethod
    def advance(cls, event: AuditEvent, using: str) -> None:
        head = cls.objects.using(using).filter(pk=1).first() or cls(pk=1)
        head.entries += 1
        head.last_id = event.pk
        head.last_mac = event.mac
        head.mac = head.signature()
        head.save(using=using)
