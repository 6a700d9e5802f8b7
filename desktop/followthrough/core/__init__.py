"""The follow-up engine: interviews, playbooks, working days and the planner (no Qt)."""

from followthrough.core.compiled import use_fresh_code

# Before any of the planner's modules is imported: their compiled copies only when fresh.
use_fresh_code()
