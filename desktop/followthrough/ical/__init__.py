"""iCalendar mapping, time zones, export and feed (no Qt)."""
