"""The audit trail's key: a MAC on every entry, on the head record and on checkpoint files.

The hash chain alone shows an entry changed by someone who did not recompute the hashes after it;
anyone who can write to the database can recompute them. A MAC (HMAC-SHA256) needs a key the
database does not hold, so an entry written or rewritten round the app cannot be sealed again.

The key comes from OVERSIGHT_AUDIT_KEY (64 or more hexadecimal characters); without it, from a key
derived from SECRET_KEY, and `oversight check --deploy` warns, because changing SECRET_KEY would
then make every entry fail the MAC check. The key must not change once entries are written.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_SETTING = "OVERSIGHT_AUDIT_KEY"
MIN_KEY_BYTES = 32
MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+\Z")

# Separate purposes, so an entry's MAC can never be passed off as a head's or a checkpoint's.
_ENTRY = b"oversight.audit.entry\x00"
_MARK = b"oversight.audit.mark\x00"


def parse_key(raw: str | None) -> bytes | None:
    """The key from the setting's text, or None if it is not set. Anything else is refused."""
    if raw is None:
        return None
    if not raw:
        raise ImproperlyConfigured(
            f"{KEY_SETTING} is set but empty. Remove it, or set it to a key made with: {MAKE_ONE}"
        )
    if raw != raw.strip() or not _HEX.match(raw) or len(raw) < MIN_KEY_BYTES * 2:
        raise ImproperlyConfigured(
            f"{KEY_SETTING} must be at least {MIN_KEY_BYTES * 2} hexadecimal characters "
            f"({MIN_KEY_BYTES} random bytes) and nothing else. Make one with: {MAKE_ONE}"
        )
    return bytes.fromhex(raw)


def key_is_set() -> bool:
    return parse_key(getattr(settings, KEY_SETTING, None)) is not None


def audit_key() -> bytes:
    key = parse_key(getattr(settings, KEY_SETTING, None))
    if key is not None:
        return key
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"oversight.audit.key-from-secret-key", hashlib.sha256
    ).digest()


def entry_mac(canonical_content: bytes) -> str:
    return hmac.new(audit_key(), _ENTRY + canonical_content, hashlib.sha256).hexdigest()


def mark_mac(kind: str, entries: int, last_id: int, last_mac: str) -> str:
    """The MAC of a record of where the trail had got to: the head record or a checkpoint."""
    text = f"{kind}\x00{entries}\x00{last_id}\x00{last_mac}".encode()
    return hmac.new(audit_key(), _MARK + text, hashlib.sha256).hexdigest()


def matches(expected: str, actual: str) -> bool:
    return hmac.compare_digest(expected.encode(), actual.encode())
