"""The obligations a preset leaves out but shows, as a comment, how to switch on (ADR 0008): the
lines a council adds to its own policy file, read from the preset itself so that the comment,
the tests and the demo council's policy can never disagree.

A block starts at a commented table header, ``# [obligations.NAME]``, and runs while lines start
with ``# ``; a line ``# # ...`` inside it is a comment in the lines added.
"""

from __future__ import annotations

from oversight.engine.loader import PRESETS_DIR

# The kinds each preset carries commented, by the name of the first table of their block.
OPTIONAL_BLOCKS = ("manager_evidence_review", "appraisal")


def switch_on_lines(preset: str, block: str) -> str:
    """The lines the preset shows for switching `block` on, uncommented."""
    lines = (PRESETS_DIR / f"{preset}.toml").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"# [obligations.{block}]")
    found = []
    for line in lines[start:]:
        if not line.startswith("# "):
            break
        found.append(line[2:])
    return "\n".join(found) + "\n"


def with_optional_obligations(preset: str, blocks: tuple[str, ...] = OPTIONAL_BLOCKS) -> str:
    """The preset's text with `blocks` switched on, as a council's own policy file would be."""
    text = (PRESETS_DIR / f"{preset}.toml").read_text(encoding="utf-8")
    return text + "".join("\n" + switch_on_lines(preset, block) for block in blocks)
