"""The sample interview's mark: its id. A sample is made up, to explore the app with, so it
stays on this computer: never synced, exported or published (`ical.export` leaves it out).

Our ids are lowercase hex (`model.new_id`, `model.derived_id`), so an id that starts with
SAMPLE_PREFIX is a sample's and nothing else's; a step's id starts with its interview's.
"""

from __future__ import annotations

from followthrough.core.model import new_id

SAMPLE_PREFIX = "sample"  # an "s" and an "m": never the start of a hex id


def sample_id() -> str:
    """A new id for a sample interview."""
    return SAMPLE_PREFIX + new_id()


def is_sample(ident: str) -> bool:
    """Whether `ident` is a sample interview's id (or one of its steps')."""
    return ident.startswith(SAMPLE_PREFIX)
