"""The follow-up engine: interviews, playbooks, working days and the planner (no Qt)."""
