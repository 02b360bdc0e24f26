"""Recording to, checking and exporting the audit trail.

Call `audit()` explicitly in every operation that shows, hands out or changes a record, inside the
same transaction as the change, so the entry commits or rolls back with it. Signals are not used:
they fire for fixture loads and migrations, miss queryset updates, and cannot know who looked or
why. Writers of the trail queue behind one lock until their transaction ends, so call `audit()`
as the last step of the operation's transaction rather than the first.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from oversight.audit import checkpoints, seal
from oversight.audit.models import (
    ACTION_MAX_LENGTH,
    ACTOR_LABEL_MAX_LENGTH,
    GENESIS_HASH,
    OBJECT_ID_MAX_LENGTH,
    OBJECT_LABEL_MAX_LENGTH,
    OBJECT_TYPE_MAX_LENGTH,
    AppendOnlyError,
    AuditEvent,
    AuditHead,
    normalise_detail,
)
from oversight.spreadsheet_safety import spreadsheet_safe

__all__ = [
    "AppendOnlyError",
    "AuditEvent",
    "BrokenEntry",
    "VerifyResult",
    "audit",
    "changes",
    "client_ip",
    "verify_chain",
    "write_csv",
]

# The actions the app records; others are allowed if they are short snake_case words.
ACTIONS = (
    "view",
    "download",
    "create",
    "change",
    "transition",
    "export",
    "delete",
    "sign_in",
    "sign_out",
)
_ACTION = re.compile(r"[a-z][a-z0-9_]*\Z")

SYSTEM_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"


class _User(Protocol):
    # Read-only members, so a User, an AnonymousUser or any AbstractBaseUser fits.
    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    def get_username(self) -> str: ...


def _now() -> dt.datetime:
    # One place for the clock, so tests can write entries at times they choose.
    return timezone.now()


# Writing ---------------------------------------------------------------------------------------


def audit(
    actor: _User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_label: str | None = None,
    address: str | None = None,
) -> AuditEvent:
    """Append one entry to the trail and return it.

    `actor` is the signed-in user, or None for the system (an anonymous user counts as nobody).
    `obj` is the record concerned, if it is a model instance; the object_* arguments name a
    record that is not one, or override what `obj` gives. `detail` is JSON-able: for a change,
    `changes(before, after)`; for a transition, {"from": ..., "to": ..., "why": ...}.
    `address` is the client's address when there is no `request` (oversight.audit.actor).
    """
    if not _ACTION.match(action) or len(action) > ACTION_MAX_LENGTH:
        raise ValueError(
            f"An audit action is a short snake_case word such as 'view', not {action!r}"
        )
    user, actor_label = _actor(actor)

    if obj is not None:
        if obj.pk is None:
            # An unsaved object has no identity to record: audit creations after saving and
            # deletions before deleting, inside the same transaction.
            raise ValueError(f"Cannot audit an unsaved {obj._meta.label}")
        object_type = obj._meta.label_lower if object_type is None else object_type
        object_id = obj.pk if object_id is None else object_id
        object_label = str(obj) if object_label is None else object_label
    object_type = object_type or ""
    object_id = "" if object_id is None else str(object_id)
    if len(object_type) > OBJECT_TYPE_MAX_LENGTH or len(object_id) > OBJECT_ID_MAX_LENGTH:
        # Truncating an identifier would point the entry at the wrong record.
        raise ValueError("The object type or id is too long to record")

    return AuditEvent.objects._append(
        clock=_now,
        actor=user,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=_shorten(object_label or "", OBJECT_LABEL_MAX_LENGTH),
        detail=normalise_detail(detail),
        ip_address=client_ip(request) if request is not None else address,
    )


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that differ, as {field: {"before": old, "after": new}}, for a "change" entry."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as far as it can be believed.

    X-Forwarded-For is any client's to write. Each proxy of ours appends the address it received
    the request from, so with OVERSIGHT_TRUSTED_PROXIES proxies in front of us the client's
    address is that many places from the right; anything to its left is the client's own claim
    and is never read. With no proxy configured the header is ignored altogether. A request
    carrying fewer addresses than that did not come through every proxy: it gets the address
    that connected to us.
    """
    trusted = int(getattr(settings, "OVERSIGHT_TRUSTED_PROXIES", 0) or 0)
    if trusted > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return _ip(hops[-trusted])
    return _ip(request.META.get("REMOTE_ADDR"))


def _ip(value: str | None) -> str | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def _actor(actor: _User | None) -> tuple[_User | None, str]:
    if actor is None:
        return None, SYSTEM_ACTOR
    if not actor.is_authenticated:
        return None, ANONYMOUS_ACTOR
    if actor.pk is None:
        raise ValueError("Cannot audit an action by an unsaved user")
    return actor, _shorten(actor.get_username(), ACTOR_LABEL_MAX_LENGTH)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Verifying -------------------------------------------------------------------------------------

# The checks, by the name `oversight audit verify` gives them.
HASH_CHECK = "hash check"  # the entry's content against its own hash
MAC_CHECK = "MAC check"  # the entry's MAC, made with the audit key, which the database lacks
CHAIN_CHECK = "chain check"  # each entry names its predecessor's hash
HEAD_CHECK = "head check"  # the signed head record: how many entries, and which is the last
CHECKPOINT_CHECK = "checkpoint check"  # a signed checkpoint file kept outside the database


@dataclass(frozen=True)
class BrokenEntry:
    id: int
    at: dt.datetime | None  # None when the entry is missing: `id` is then the last one present
    action: str
    object_type: str
    object_id: str
    object_label: str
    problem: str
    check: str = HASH_CHECK

    def describe_object(self) -> str:
        if not self.object_type and not self.object_id:
            return "no object"
        label = f' "{self.object_label}"' if self.object_label else ""
        return f"{self.object_type} {self.object_id}".strip() + label


@dataclass(frozen=True)
class VerifyResult:
    entries: int  # entries checked: all of them if intact, up to the broken one if not
    last_hash: str | None  # the last good hash
    broken: BrokenEntry | None = None
    last_id: int | None = None
    last_mac: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def __bool__(self) -> bool:
        return self.intact

    @property
    def message(self) -> str:
        if self.broken is None:
            return (
                f"Audit trail intact: {self.entries} entries, last hash {self.last_hash or 'none'}"
            )
        b = self.broken
        if b.at is None:
            where = f"after entry #{b.id}" if b.id else "at its start"
            return f"Audit trail broken {where}, found by the {b.check}: {b.problem}"
        at = timezone.localtime(b.at).isoformat(sep=" ", timespec="seconds")
        return (
            f"Audit trail broken at entry #{b.id} ({at}, {b.action}, {b.describe_object()}), "
            f"found by the {b.check}: {b.problem}"
        )


@dataclass(frozen=True)
class Mark:
    """A signed note of where the trail had got to: the head record, or a checkpoint file."""

    check: str
    what: str  # "the head record", "the checkpoint of 2025-03-04 09:30"
    entries: int
    last_id: int
    last_mac: str


def verify_chain(chunk_size: int = 2000) -> VerifyResult:
    """Walk the whole trail in id order and report the first entry that fails a check.

    Streams the rows, so memory stays flat however long the trail is. The head record and the
    checkpoint file are read first: entries written while the walk runs come after them.
    """
    marks: list[Mark] = []
    for read in (_head_mark, _checkpoint_mark):
        mark_or_problem = read()
        if isinstance(mark_or_problem, BrokenEntry):
            return VerifyResult(entries=0, last_hash=None, broken=mark_or_problem)
        if mark_or_problem is not None:
            marks.append(mark_or_problem)

    expected_previous = GENESIS_HASH
    previous_id: int | None = None
    previous_mac: str | None = None
    count = 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=chunk_size):
        count += 1
        problem = _problem(event, expected_previous, previous_id, count, marks)
        if problem:
            check, text = problem
            return VerifyResult(
                entries=count,
                last_hash=None if previous_id is None else expected_previous,
                broken=BrokenEntry(
                    id=event.pk,
                    at=event.at,
                    action=event.action,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    object_label=event.object_label,
                    problem=text,
                    check=check,
                ),
                last_id=previous_id,
                last_mac=previous_mac,
            )
        expected_previous, previous_id, previous_mac = event.hash, event.pk, event.mac
    last_hash = None if previous_id is None else expected_previous
    for mark in marks:
        if previous_id is None or mark.last_id > previous_id:
            return VerifyResult(
                entries=count,
                last_hash=last_hash,
                broken=_missing(mark, previous_id or 0, count),
                last_id=previous_id,
                last_mac=previous_mac,
            )
    return VerifyResult(
        entries=count, last_hash=last_hash, last_id=previous_id, last_mac=previous_mac
    )


def _missing(mark: Mark, last_id: int, count: int) -> BrokenEntry:
    ends = f"it ends at entry #{last_id} after {count}" if count else "it is empty"
    return BrokenEntry(
        id=last_id,
        at=None,
        action="",
        object_type="",
        object_id="",
        object_label="",
        check=mark.check,
        problem=(
            f"{mark.what} says the trail has {mark.entries} entries up to entry #{mark.last_id}, "
            f"but {ends}: entries were deleted from the end"
        ),
    )


def _problem(
    event: AuditEvent,
    expected_previous: str,
    previous_id: int | None,
    count: int,
    marks: list[Mark],
) -> tuple[str, str] | None:
    try:
        content = event.canonical_content()
    except (TypeError, ValueError) as error:
        return HASH_CHECK, (
            f"its content can no longer be read ({error}): it was changed after it was written"
        )
    if hashlib.sha256(content).hexdigest() != event.hash:
        return HASH_CHECK, (
            "its content no longer matches its hash: it was changed after it was written"
        )
    if not seal.matches(seal.entry_mac(content), event.mac):
        return MAC_CHECK, (
            "its MAC is not the one the audit key gives: it was written or rewritten outside "
            "Oversight (or OVERSIGHT_AUDIT_KEY has changed since it was written)"
        )
    if event.previous_hash != expected_previous:
        if previous_id is None:
            return CHAIN_CHECK, (
                "it is the first entry left but does not start the chain: "
                "the entries before it were deleted"
            )
        return CHAIN_CHECK, (
            f"its previous hash {event.previous_hash[:12]}… is not the hash of entry "
            f"#{previous_id} ({expected_previous[:12]}…): entries between them were deleted, "
            "or this one was inserted"
        )
    for mark in marks:
        if event.pk == mark.last_id and (
            count != mark.entries or not seal.matches(mark.last_mac, event.mac)
        ):
            return mark.check, (
                f"{mark.what} says entry #{mark.last_id} is entry number {mark.entries} with "
                f"MAC {mark.last_mac[:12]}…, but here it is number {count} with MAC "
                f"{event.mac[:12]}…: entries were deleted or replaced"
            )
        if event.pk > mark.last_id and previous_id is not None and previous_id < mark.last_id:
            return mark.check, (
                f"{mark.what} ends at entry #{mark.last_id}, which is missing: entries were deleted"
            )
    return None


def _head_mark() -> Mark | BrokenEntry | None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            return _bad_mark(HEAD_CHECK, "the head record is missing: it was deleted")
        return None
    if not seal.matches(head.signature(), head.mac):
        return _bad_mark(
            HEAD_CHECK,
            "the head record's signature is not the one the audit key gives: it was written "
            "outside Oversight (or OVERSIGHT_AUDIT_KEY has changed)",
        )
    return Mark(HEAD_CHECK, "the head record", head.entries, head.last_id, head.last_mac)


def _checkpoint_mark() -> Mark | BrokenEntry | None:
    try:
        checkpoint = checkpoints.read()
    except checkpoints.CheckpointError as error:
        return _bad_mark(CHECKPOINT_CHECK, str(error))
    if checkpoint is None:
        return None
    written = timezone.localtime(checkpoint.written_at).isoformat(sep=" ", timespec="seconds")
    return Mark(
        CHECKPOINT_CHECK,
        f"the checkpoint of {written}",
        checkpoint.entries,
        checkpoint.last_id,
        checkpoint.last_mac,
    )


def _bad_mark(check: str, problem: str) -> BrokenEntry:
    return BrokenEntry(
        id=0,
        at=None,
        action="",
        object_type="",
        object_id="",
        object_label="",
        problem=problem,
        check=check,
    )


# Exporting -------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "ip_address",
    "detail",
    "previous_hash",
    "hash",
)


def write_csv(events: Iterable[AuditEvent], stream: Any) -> int:
    """Write entries as CSV to a text stream, every cell safe to open in a spreadsheet."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in events:
        writer.writerow(
            [
                spreadsheet_safe(cell)
                for cell in (
                    event.pk,
                    timezone.localtime(event.at).isoformat(timespec="microseconds"),
                    event.actor_label,
                    event.actor_id,
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.object_label,
                    event.ip_address,
                    json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
                    event.previous_hash,
                    event.hash,
                )
            ]
        )
        count += 1
    return count
