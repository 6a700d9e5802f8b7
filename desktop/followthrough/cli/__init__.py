"""The command line: the same jobs as the window, headless. A stable interface for scripts.

With no sub-command it opens the window; links (`followthrough://compose/...`) and `.ics` files
given instead of a sub-command open in the window, or in the one already open.

`entry` reads the command line and opens the window or hands the command to the module of its
group: `interviews` (interviews, their plan and what happened), `settings` (config, playbooks),
`exchange` (import, export, feed), `sync` (CalDAV accounts and syncing), `compose` (a step's
message, sending by SMTP). A group's module is imported only when a command or --help is given.
"""

from __future__ import annotations

from followthrough.cli.entry import main

__all__ = ["main"]
