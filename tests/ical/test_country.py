"""The employer's country in our .ics files (X-FOLLOWTHROUGH-COUNTRY, issue 15): written when the
user named one, read back the same; absent, the interview's time zone decides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from followthrough.core.model import Interview
from followthrough.files import write_atomically
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import import_file
from followthrough.store import Store


def test_the_employers_country_goes_out_and_comes_back(
    open_at: Callable[[Path], Store], tmp_path: Path, sample: Callable[..., Interview]
) -> None:
    source = open_at(tmp_path / "source")
    source.add_interview(sample(country="be"))  # Brussels works on Paris time
    source.add_interview(sample(company="Globex"))
    text = Exporter(source).ics()
    assert text.count(b"X-FOLLOWTHROUGH-COUNTRY") == 1
    assert b"X-FOLLOWTHROUGH-COUNTRY:BE\r\n" in text
    path = tmp_path / "export.ics"
    write_atomically(path, text)
    target = open_at(tmp_path / "target")
    import_file(target, path)
    read = {iv.company: iv for iv in target.interviews()}
    assert (read["Acme Analytics"].country, read["Globex"].country) == ("BE", "")
    assert (read["Acme Analytics"].employer_country, read["Globex"].employer_country) == (
        "BE",
        "FR",
    )
