"""Python's cyclic garbage collector and thread turns around the window's background jobs and
its start-up (no Qt: ui.background and ui.app use it).

While any job runs the collector does not run on its own and what exists when the first
starts is frozen out of it, and Python hands its lock between threads every SWITCH_S seconds:
see ui.background for why. While the window starts (ui.app.run_gui, until its first paint)
the collector waits too: imports and the window's construction make many objects and hardly
any garbage, and about sixty collections, each scanning what start-up had made so far, took
10 to 14 ms before the first paint.
"""

from __future__ import annotations

import gc
import sys

SWITCH_S = 0.001  # Python's thread switch interval while jobs run (see the module)
_holding = 0  # jobs running (of every Background): the collector waits
_switch = 0.005  # the interval to go back to
_collecting = True  # whether the collector ran on its own before the first job
_paused = False  # held for the window's start-up (pause_for_start_up)


def jobs_running() -> bool:
    """Whether any Background's job is running now: work that can wait (reading ahead what
    the window may show next) waits for the end, so as not to compete with it for Python's
    lock on the UI thread."""
    return _holding > 0


def hold_collector() -> None:
    """A job starts (on the UI thread): the first stops the collector, freezes what exists
    now and shortens the turns between threads."""
    global _holding, _switch, _collecting
    if _holding == 0:
        _collecting = gc.isenabled()
        gc.disable()
        gc.freeze()
        _switch = sys.getswitchinterval()
        sys.setswitchinterval(min(_switch, SWITCH_S))
    _holding += 1


def release_collector() -> None:
    """A job ended (on the UI thread): the last gives the collector everything back, and the
    turns their length."""
    global _holding
    _holding -= 1
    if _holding == 0:
        _give_back(enable=_collecting)
        sys.setswitchinterval(_switch)


def _give_back(*, enable: bool) -> None:
    """What was made while the collector waited joins the oldest generation with the rest
    (enabled with a youngest generation of everything made meanwhile, the collector scanned it
    all at the next allocation: 0.7 s after a first sync of 1,000 interviews); then, if
    `enable`, the collector runs again."""
    gc.freeze()
    gc.unfreeze()
    if enable:
        gc.enable()


def pause_for_start_up() -> None:
    """The window starts: the collector waits for `resume_after_start_up` (its first paint,
    or the end of run_gui)."""
    global _paused
    if gc.isenabled() and not _holding:
        gc.disable()
        _paused = True


def resume_after_start_up() -> None:
    """The window is painted: what start-up made joins the oldest generation (the young ones
    start empty, as after a job) and the collector runs again; if a job is running, when the
    last one ends, as it would have. Harmless when called again."""
    global _paused, _collecting
    if not _paused:
        return
    _paused = False
    if _holding:
        _collecting = True  # release_collector enables it
        return
    _give_back(enable=True)
