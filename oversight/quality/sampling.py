"""Drawing a random sample of records to audit, so that the same seed always draws the same one.

The draw is a pure function of the candidates and the seed: the candidates are put in a fixed
order (by their session ID, which never changes) before Python's seeded generator picks from them,
so redrawing a recorded sample with its seed shows exactly which records it held, and anyone can
check that nobody chose the records by hand.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

# Large enough that two audits of a team are unlikely to share one; small enough to read aloud.
SEED_LIMIT = 1_000_000


def new_seed() -> int:
    return secrets.randbelow(SEED_LIMIT)


def draw(candidates: Iterable[str], seed: int, size: int) -> list[str]:
    """`size` of the candidate identifiers (all of them if there are fewer), chosen by `seed`, in
    the order they were drawn."""
    ordered = sorted(set(candidates))
    return random.Random(seed).sample(ordered, min(size, len(ordered)))
