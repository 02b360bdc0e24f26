"""Checkpoint files: where the audit trail had got to, signed, and kept outside the database.

`oversight audit checkpoint` (run it from cron, say hourly) verifies the trail and, if it is
intact, writes its number of entries and its last entry's id and MAC to a small file signed with
the audit key. `oversight audit verify` then checks the trail still reaches that entry. The head
record in the database does the same after every entry, but someone who can write to the database
could put back an older head copied earlier; they cannot reach this file from the database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from oversight.audit import seal


class CheckpointError(ValueError):
    """The checkpoint file cannot be trusted: unreadable, or not signed with the audit key."""


@dataclass(frozen=True)
class Checkpoint:
    entries: int
    last_id: int
    last_mac: str
    written_at: dt.datetime

    def signature(self) -> str:
        return seal.mark_mac("checkpoint", self.entries, self.last_id, self.last_mac)


def path() -> Path:
    return Path(settings.OVERSIGHT_AUDIT_CHECKPOINT)


def read() -> Checkpoint | None:
    """The checkpoint, or None if none has been written yet."""
    file = path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CheckpointError(f"the checkpoint file {file} cannot be read ({error})") from None
    try:
        data = json.loads(text)
        checkpoint = Checkpoint(
            entries=int(data["entries"]),
            last_id=int(data["last_id"]),
            last_mac=str(data["last_mac"]),
            written_at=dt.datetime.fromisoformat(data["written_at"]),
        )
        signature = str(data["mac"])
    except (ValueError, KeyError, TypeError):
        raise CheckpointError(f"the checkpoint file {file} is not one Oversight wrote") from None
    if not seal.matches(checkpoint.signature(), signature):
        raise CheckpointError(
            f"the checkpoint file {file} is not signed with the audit key: it was written "
            "outside Oversight (or OVERSIGHT_AUDIT_KEY has changed)"
        )
    return checkpoint


def write(entries: int, last_id: int, last_mac: str) -> Checkpoint:
    checkpoint = Checkpoint(entries, last_id, last_mac, timezone.now())
    data = {
        "entries": entries,
        "last_id": last_id,
        "last_mac": last_mac,
        "written_at": checkpoint.written_at.isoformat(),
        "mac": checkpoint.signature(),
    }
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed over the old one, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".audit-checkpoint-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.chmod(temporary, 0o600)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return checkpoint
