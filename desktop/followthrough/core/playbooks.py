"""Playbooks: the follow-up cadences, read from TOML files (built-in and the user's own)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from followthrough.core.model import Outcome, Pace, ValidationError

STEP_KINDS = (
    "thank-you",
    "note",
    "status-check",
    "call",
    "decision-check-in",
    "second-follow-up",
    "final-check-in",
    "offer-thank-you",
    "networking",
    "keep-in-touch",
)
STEP_CHANNELS = ("preferred", "email", "phone", "letter", "network")
_UNITS = {"h": "hours", "d": "days", "bd": "business days", "w": "weeks", "m": "minutes"}
_OFFSET_RE = re.compile(r"^\s*(\d{1,4})\s*(bd|h|d|w|m)\s*$")
_KEY_RE = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


_LENGTHS: dict[tuple[int, str], timedelta] = {}  # (amount, unit) -> Offset.as_timedelta()


class PlaybookError(ValidationError):
    """A playbook file that cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class Offset:
    """A wait: so many hours, calendar days, business days or weeks."""

    amount: int
    unit: str  # h, d, bd, w, m

    @property
    def is_days(self) -> bool:
        return self.unit in ("d", "w", "bd")

    @property
    def days(self) -> int:
        return self.amount * 7 if self.unit == "w" else self.amount

    def as_timedelta(self) -> timedelta:
        """The wait as a fixed length (business days count as calendar days here)."""
        found = _LENGTHS.get((self.amount, self.unit))  # the planner asks for every step
        if found is None:
            if self.unit == "h":
                found = timedelta(hours=self.amount)
            elif self.unit == "m":
                found = timedelta(minutes=self.amount)
            else:
                found = timedelta(days=self.days)
            _LENGTHS[(self.amount, self.unit)] = found
        return found

    def describe(self) -> str:
        if self.amount == 0 and self.is_days:
            return "the same day"
        unit = _UNITS[self.unit]
        if self.amount == 1:
            unit = unit[:-1] if unit.endswith("s") else unit
            unit = unit.replace("days", "day")
        return f"{self.amount} {unit}"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True)
class StepRule:
    """How one step of a playbook is timed and sent."""

    key: str
    kind: str
    title: str
    channel: str
    earliest: Offset
    latest: Offset
    after: str = "interview"  # interview, decision, outcome, or the key of an earlier step
    duration: Offset = Offset(30, "m")
    chaser: bool = False
    optional: bool = False
    per_interviewer: bool = False
    replaced_by_decision: bool = False
    on: tuple[Outcome, ...] = ()  # outcome steps: the outcomes that add this step
    why: str = ""
    pace: dict[Pace, tuple[Offset, Offset]] = field(default_factory=dict)

    def window(self, pace: Pace) -> tuple[Offset, Offset]:
        return self.pace.get(pace, (self.earliest, self.latest))


@dataclass(frozen=True)
class Playbook:
    id: str
    name: str
    description: str
    min_gap: Offset
    max_unanswered: int  # 0: no limit
    steps: tuple[StepRule, ...]
    outcome_steps: tuple[StepRule, ...]
    source: Path
    pace_gap: dict[Pace, Offset] = field(default_factory=dict)

    def gap(self, pace: Pace) -> Offset:
        return self.pace_gap.get(pace, self.min_gap)

    def rule(self, key: str) -> StepRule | None:
        for rule in (*self.steps, *self.outcome_steps):
            if rule.key == key:
                return rule
        return None


class _Reader:
    """Reads one parsed TOML document, turning each problem into a PlaybookError with a line."""

    def __init__(self, path: Path, text: str, label: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.label = label

    def fail(self, message: str, fieldname: str, table: str = "", index: int = -1) -> PlaybookError:
        line = self.locate(fieldname, table, index)
        return PlaybookError(f"{self.label}, line {line}, field '{fieldname}': {message}")

    def locate(self, fieldname: str, table: str, index: int) -> int:
        """The line of `fieldname` inside the index-th [[table]] (or the top level)."""
        section = ""
        count = -1
        first_line_of_section = 1
        leaf = fieldname.split(".")[-1]
        assign = re.compile(rf"^\s*[\"']?{re.escape(leaf)}[\"']?\s*=")
        for number, raw in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?", raw)
            if header:
                name = header.group(1).replace('"', "").replace("'", "")
                if raw.strip().startswith("[[") and name == table:
                    count += 1
                    first_line_of_section = number
                section = name
                continue
            in_scope = (not table and section == "") or (
                table and count == index and (section == table or section.startswith(table + "."))
            )
            if in_scope and assign.match(raw):
                return number
        return first_line_of_section if table else 1

    def offset(
        self, raw: Any, fieldname: str, table: str, index: int, *, duration: bool = False
    ) -> Offset:
        match = _OFFSET_RE.match(raw) if isinstance(raw, str) else None
        if not match or (match.group(2) == "m" and not duration):
            example = "30m or 1h" if duration else "24h, 3d, 5bd or 2w"
            raise self.fail(f"{raw!r} is not a wait like {example}.", fieldname, table, index)
        return Offset(int(match.group(1)), match.group(2))

    def text(
        self,
        raw: Any,
        fieldname: str,
        table: str = "",
        index: int = -1,
        *,
        default: str | None = None,
    ) -> str:
        if raw is None and default is not None:
            return default
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail("must be a non-empty text in quotes.", fieldname, table, index)
        return raw.strip()

    def flag(self, raw: Any, fieldname: str, table: str, index: int) -> bool:
        if raw is None:
            return False
        if not isinstance(raw, bool):
            raise self.fail("must be true or false.", fieldname, table, index)
        return raw

    def rule(self, raw: Any, table: str, index: int, earlier: list[str]) -> StepRule:
        if not isinstance(raw, dict):
            raise self.fail("each step must be a table.", table, "", -1)
        allowed = {
            "key",
            "kind",
            "title",
            "channel",
            "earliest",
            "latest",
            "after",
            "duration",
            "chaser",
            "optional",
            "per_interviewer",
            "replaced_by_decision",
            "on",
            "why",
            "fast",
            "standard",
            "slow",
        }
        for name in raw:
            if name not in allowed:
                raise self.fail(
                    f"unknown field; known fields: {', '.join(sorted(allowed))}.",
                    name,
                    table,
                    index,
                )
        kind = self.text(raw.get("kind"), "kind", table, index)
        if kind not in STEP_KINDS:
            raise self.fail(
                f"{kind!r} is not a step kind; kinds: {', '.join(STEP_KINDS)}.",
                "kind",
                table,
                index,
            )
        key = self.text(raw.get("key"), "key", table, index, default=kind)
        if not _KEY_RE.match(key):
            raise self.fail(
                f"{key!r} must be lower-case letters, digits and dashes.", "key", table, index
            )
        if key in earlier:
            raise self.fail(f"the key {key!r} is used twice.", "key", table, index)
        channel = self.text(raw.get("channel"), "channel", table, index, default="email")
        if channel not in STEP_CHANNELS:
            raise self.fail(
                f"{channel!r} is not a channel; channels: {', '.join(STEP_CHANNELS)}.",
                "channel",
                table,
                index,
            )
        after = self.text(
            raw.get("after"),
            "after",
            table,
            index,
            default="outcome" if table == "outcome_steps" else "interview",
        )
        valid_after = ["interview", "decision", *earlier]
        if table == "outcome_steps":
            valid_after = ["outcome", *earlier]
        if after not in valid_after:
            raise self.fail(
                f"{after!r} must be one of: {', '.join(valid_after)}.", "after", table, index
            )
        earliest = self.offset(raw.get("earliest"), "earliest", table, index)
        latest = self.offset(raw.get("latest"), "latest", table, index)
        self.check_order(earliest, latest, table, index)
        pace: dict[Pace, tuple[Offset, Offset]] = {}
        for pace_name in ("fast", "standard", "slow"):
            override = raw.get(pace_name)
            if override is None:
                continue
            sub = f"{table}.{pace_name}"
            if not isinstance(override, dict) or set(override) - {"earliest", "latest"}:
                raise self.fail(
                    "a pace table holds only earliest and latest.", pace_name, table, index
                )
            p_earliest = self.offset(
                override.get("earliest", str(earliest)), f"{sub}.earliest", table, index
            )
            p_latest = self.offset(
                override.get("latest", str(latest)), f"{sub}.latest", table, index
            )
            self.check_order(p_earliest, p_latest, table, index)
            pace[Pace(pace_name)] = (p_earliest, p_latest)
        outcomes: tuple[Outcome, ...] = ()
        if table == "outcome_steps":
            on = raw.get("on")
            names = [o.value for o in Outcome]
            if not isinstance(on, list) or not on or any(o not in names for o in on):
                raise self.fail(
                    f"must be a list of outcomes from: {', '.join(names)}.", "on", table, index
                )
            outcomes = tuple(Outcome(o) for o in on)
        elif "on" in raw:
            raise self.fail("only outcome steps have 'on'.", "on", table, index)
        duration = (
            self.offset(raw["duration"], "duration", table, index, duration=True)
            if "duration" in raw
            else Offset(30 if channel != "phone" else 15, "m")
        )
        if duration.as_timedelta() > timedelta(hours=4) or duration.amount == 0:
            raise self.fail("must be between 1 minute and 4 hours.", "duration", table, index)
        return StepRule(
            key=key,
            kind=kind,
            title=self.text(raw.get("title"), "title", table, index),
            channel=channel,
            earliest=earliest,
            latest=latest,
            after=after,
            duration=duration,
            chaser=self.flag(raw.get("chaser"), "chaser", table, index),
            optional=self.flag(raw.get("optional"), "optional", table, index),
            per_interviewer=self.flag(raw.get("per_interviewer"), "per_interviewer", table, index),
            replaced_by_decision=self.flag(
                raw.get("replaced_by_decision"), "replaced_by_decision", table, index
            ),
            on=outcomes,
            why=self.text(raw.get("why"), "why", table, index, default=""),
            pace=pace,
        )

    def check_order(self, earliest: Offset, latest: Offset, table: str, index: int) -> None:
        if earliest.unit == latest.unit and latest.amount < earliest.amount:
            raise self.fail("comes before 'earliest'.", "latest", table, index)
        if (
            earliest.unit != latest.unit
            and earliest.is_days == latest.is_days
            and latest.as_timedelta() < earliest.as_timedelta()
        ):
            raise self.fail("comes before 'earliest'.", "latest", table, index)

    def playbook(self, data: dict[str, Any]) -> Playbook:
        allowed = {
            "id",
            "name",
            "description",
            "min_gap",
            "max_unanswered",
            "steps",
            "outcome_steps",
            "pace",
        }
        for name in data:
            if name not in allowed:
                raise self.fail(f"unknown field; known fields: {', '.join(sorted(allowed))}.", name)
        ident = self.text(data.get("id"), "id", default=self.path.stem).lower()
        if not _KEY_RE.match(ident):
            raise self.fail(f"{ident!r} must be lower-case letters, digits and dashes.", "id")
        name = self.text(data.get("name"), "name")
        max_unanswered = data.get("max_unanswered", 0)
        if (
            not isinstance(max_unanswered, int)
            or isinstance(max_unanswered, bool)
            or not (0 <= max_unanswered <= 10)
        ):
            raise self.fail("must be a whole number from 0 (no limit) to 10.", "max_unanswered")
        min_gap = self.offset(data.get("min_gap", "3d"), "min_gap", "", -1)
        pace_gap: dict[Pace, Offset] = {}
        pace_table = data.get("pace", {})
        if not isinstance(pace_table, dict):
            raise self.fail("must be a table like [pace.fast].", "pace")
        for pace_name, values in pace_table.items():
            if (
                pace_name not in ("fast", "standard", "slow")
                or not isinstance(values, dict)
                or set(values) - {"min_gap"}
            ):
                raise self.fail("pace tables are [pace.fast], [pace.slow] with min_gap.", "pace")
            pace_gap[Pace(pace_name)] = self.offset(values.get("min_gap"), "min_gap", "", -1)
        rules: dict[str, list[StepRule]] = {"steps": [], "outcome_steps": []}
        for table in ("steps", "outcome_steps"):
            raw_steps = data.get(table, [])
            if not isinstance(raw_steps, list):
                raise self.fail(f"must be written as [[{table}]] tables.", table)
            earlier = [r.key for r in rules["steps"]]
            for index, raw in enumerate(raw_steps):
                rule = self.rule(raw, table, index, earlier)
                earlier.append(rule.key)
                rules[table].append(rule)
        if not rules["steps"]:
            raise self.fail("a playbook needs at least one [[steps]] table.", "steps")
        if sum(r.kind == "decision-check-in" for r in rules["steps"]) > 1:
            raise self.fail("a playbook has at most one decision-check-in step.", "steps")
        return Playbook(
            id=ident,
            name=name,
            description=self.text(data.get("description"), "description", default=""),
            min_gap=min_gap,
            max_unanswered=max_unanswered,
            steps=tuple(rules["steps"]),
            outcome_steps=tuple(rules["outcome_steps"]),
            source=self.path,
            pace_gap=pace_gap,
        )


def load_playbook(path: Path, label: str | None = None) -> Playbook:
    """Read one playbook file; PlaybookError names the file, line and field of any problem."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
        if len(raw) > 1_000_000:
            raise PlaybookError(f"{label}, line 1, field '(file)': the file is larger than 1 MB.")
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlaybookError(
            f"{label}, line 1, field '(file)': the file is not UTF-8 text."
        ) from None
    except OSError as error:
        raise PlaybookError(f"{label}, line 1, field '(file)': {error.strerror}.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        detail = getattr(error, "msg", str(error))
        if line is None:
            found = re.search(r"line (\d+)", str(error))
            line = int(found.group(1)) if found else 1
        raise PlaybookError(f"{label}, line {line}, field '(syntax)': {detail}.") from None
    return _Reader(path, text, label).playbook(data)


@dataclass
class PlaybookLibrary:
    """The built-in playbooks, overridden or extended by the user's files."""

    playbooks: dict[str, Playbook]
    errors: list[PlaybookError]

    @classmethod
    def load(cls, builtin_dir: Path, user_dir: Path | None = None) -> PlaybookLibrary:
        playbooks: dict[str, Playbook] = {}
        errors: list[PlaybookError] = []
        folders = [(builtin_dir, "built-in")]
        if user_dir is not None:
            folders.append((user_dir, "user"))
        for folder, origin in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.toml")):
                label = str(path) if origin == "user" else f"built-in playbook {path.name}"
                try:
                    book = load_playbook(path, label)
                except PlaybookError as error:
                    errors.append(error)
                    continue
                playbooks[book.id] = book
        return cls(playbooks, errors)

    def get(self, ident: str) -> Playbook:
        key = ident.strip().lower()
        if key in self.playbooks:
            return self.playbooks[key]
        for book in self.playbooks.values():
            if book.name.lower() == key:
                return book
        broken = [str(e) for e in self.errors if f"{key}.toml" in str(e)]
        if broken:
            raise ValidationError(f"The playbook '{ident}' cannot be used: {broken[0]}")
        raise ValidationError(
            f"There is no playbook called '{ident}'; known: {', '.join(sorted(self.playbooks))}."
        )
