"""The calendar: its events read from the store, the Qt models of them, and the views.

Models: `events` (what an event is), `event_cache` (reading them per range), `pipeline`
(where an interview stands), `item_model` (roles and the two-level tree), `day_models`
(month, week, agenda), `today_model`, `pipeline_model`, `step_drag`. Views: `month`, `week`,
`agenda` and `widget` (`CalendarWidget`, which holds them), on `grid` and `painting`, which
the month and week grids share; `item_views` (views that open an item on Enter).
"""
