"""The hidden token of a form that creates something (a booking, a new record): the same form
posted twice, by a double click or a resent page, carries the same token, and the domain operation
finds what the first post made instead of making it again (oversight.records.writing)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

SUBMISSION_FIELD = "submission"


def posted_submission(data: Mapping[str, Any] | None) -> uuid.UUID | None:
    """The token a form was posted with; None if it carries none, or not one of ours."""
    if data is None:
        return None
    try:
        return uuid.UUID(str(data.get(SUBMISSION_FIELD, "")).strip())
    except ValueError:
        return None


def submission_to_show(data: Mapping[str, Any] | None) -> uuid.UUID:
    """The token for the form on the page: the one it was posted with, so a form shown again
    with its errors still makes one thing however often it is sent; a new one otherwise."""
    return posted_submission(data) or uuid.uuid4()
