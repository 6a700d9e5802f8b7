"""`followthrough compose` and `followthrough smtp`: the editor's jobs from the command line.

The CLI runs in-process on the test's data folder. SMTP goes to a real aiosmtpd server on
127.0.0.1 whose test authority is made trusted through SSL_CERT_FILE, as a system one would
be; the keyring is an in-memory one (or none at all, the test session's default).
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from followthrough.cli import main
from followthrough.compose.smtp import SERVICE
from followthrough.ical.mapping import compose_link, step_uid
from followthrough.store import open_store
from followthrough.store.drafts import save_draft
from smtp_server import NO_TLS_AUTH_WARNING, PASSWORD, Authority, MemoryKeyring, StartServer

pytestmark = pytest.mark.filterwarnings(NO_TLS_AUTH_WARNING)

ADD = ("interview", "add", "--company", "Acme", "--role", "Engineer",
       "--start", "2026-11-23T14:00", "--end", "2026-11-23T15:00", "--tz", "Africa/Johannesburg",
       "--interviewer", "Ana Diaz (CTO) <ana@acme.example>", "--phone", "+27 21 555 0100",
       "--topic", "the data pipeline")  # fmt: skip


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Any:
    def invoke(*args: str, stdin: str | None = None) -> Result:
        capsys.readouterr()
        old = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = main(["--data-dir", str(data_dir), *args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        finally:
            sys.stdin = old
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def steps(run: Any, data_dir: Path) -> dict[str, str]:
    """The step ids of the Acme interview, by kind."""
    for key, value in (("timezone", "Africa/Johannesburg"), ("country", "ZA"),
                       ("my-name", "Sam Park"), ("my-email", "sam@example.com")):  # fmt: skip
        assert run("config", "set", key, value).code == 0
    result = run(*ADD)
    assert result.code == 0, result
    store, _ = open_store(data_dir)
    try:
        return {s.step.kind: s.step.id for s in store.steps()}
    finally:
        store.close()


def one_sentence(result: Result) -> str:
    assert result.code == 1, result
    assert result.out == ""
    text = result.err.strip()
    assert text.startswith("followthrough: ") and text.endswith(".") and "\n" not in text, text
    assert "Traceback" not in text
    return text


# -- compose ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["id", "uid", "link", "encoded link"])
def test_print_writes_the_subject_and_message(
    run: Any, steps: dict[str, str], form: str
) -> None:
    step_id = steps["thank-you"]
    argument = {
        "id": step_id,
        "uid": step_uid(step_id),
        "link": compose_link(step_uid(step_id)),
        "encoded link": compose_link(step_uid(step_id)).replace("@", "%40"),
    }[form]
    result = run("compose", argument, "--print")
    assert result.code == 0 and result.err == "", result
    first, blank, *rest = result.out.split("\n")
    assert first.startswith("Subject: ") and "Ana" in first
    assert blank == ""
    body = "\n".join(rest)
    assert body.startswith("Dear Ana Diaz") and "the data pipeline" in body
    assert "Sam Park" in body and result.out.endswith("\n")


def test_print_of_a_call_has_no_subject(run: Any, steps: dict[str, str]) -> None:
    result = run("compose", steps["call"], "--print")
    assert result.code == 0
    assert not result.out.startswith("Subject:")
    assert "VOICEMAIL" in result.out


def test_print_uses_the_saved_draft(run: Any, steps: dict[str, str], data_dir: Path) -> None:
    store, _ = open_store(data_dir)
    try:
        save_draft(store, steps["thank-you"], "My subject", "What I typed in the window\n")
    finally:
        store.close()
    result = run("compose", steps["thank-you"], "--print")
    assert result.out == "Subject: My subject\n\nWhat I typed in the window\n"


def test_eml_writes_an_unsent_draft(
    run: Any, steps: dict[str, str], tmp_path: Path, data_dir: Path
) -> None:
    target = tmp_path / "out" / "thank-you.eml"
    target.parent.mkdir()
    result = run("compose", step_uid(steps["thank-you"]), "--eml", str(target))
    assert result.code == 0 and result.err == "", result
    assert str(target) in result.out
    parsed = BytesParser(policy=default_policy).parsebytes(target.read_bytes())
    assert isinstance(parsed, EmailMessage)
    assert parsed["X-Unsent"] == "1"
    assert parsed["To"].addresses[0].addr_spec == "ana@acme.example"
    assert parsed["To"].addresses[0].display_name == "Ana Diaz"
    assert parsed["From"].addresses[0].addr_spec == "sam@example.com"
    assert "Ana" in parsed["Subject"]
    assert "the data pipeline" in parsed.get_content()
    assert [p.name for p in target.parent.iterdir()] == ["thank-you.eml"]  # no temporary left
    from followthrough.mail.state import sent_ids

    store, _ = open_store(data_dir)  # a reply to the draft, once sent, names its Message-ID
    try:
        assert list(sent_ids(store)) == [parsed["Message-ID"].strip("<>")]
    finally:
        store.close()


def test_eml_of_a_call_is_refused(run: Any, steps: dict[str, str], tmp_path: Path) -> None:
    text = one_sentence(run("compose", steps["call"], "--eml", str(tmp_path / "x.eml")))
    assert "--print" in text
    assert not (tmp_path / "x.eml").exists()


@pytest.mark.parametrize(
    ("argument", "words"),
    [
        ("zzz999.thank-you.p1", "no follow-up"),
        ("followthrough-zzz999.thank-you.p1@followthrough", "no follow-up"),
        ("followthrough://compose/followthrough-zzz999.call@followthrough", "no follow-up"),
        ("followthrough://delete/followthrough-zzz999.call@followthrough", "does not do"),
        ("followthrough://compose/followthrough-zzz999.call@followthrough?send=1", "extra"),
        ("followthrough-zzz999@followthrough", "interview"),
        ("nonsense\x1b[31m", "no follow-up"),
    ],
)
def test_an_unknown_uid_is_one_sentence(
    run: Any, steps: dict[str, str], argument: str, words: str
) -> None:
    text = one_sentence(run("compose", argument, "--print"))
    assert words in text
    assert "\x1b" not in text


def test_print_and_eml_do_not_go_together(run: Any, steps: dict[str, str]) -> None:
    result = run("compose", steps["thank-you"], "--print", "--eml", "x.eml")
    assert result.code == 2 and "not allowed" in result.err


def test_without_print_or_eml_the_link_goes_to_the_window(
    run: Any, steps: dict[str, str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    import followthrough.ui.app as app

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(app, "run_gui", lambda *a, **k: calls.append((a, k)) or 0)
    assert run("compose", steps["note"]).code == 0
    ((args, kwargs),) = calls
    assert args == (data_dir,)
    assert kwargs == {"open_items": [compose_link(step_uid(steps["note"]))]}


# -- smtp ------------------------------------------------------------------------------------


@pytest.fixture
def smtp(
    run: Any, steps: dict[str, str], start_server: StartServer, authority: Authority,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> Any:  # fmt: skip
    server = start_server("starttls")
    for key, value in server.settings().items():
        assert run("config", "set", key, value).code == 0
    bundle = tmp_path / "ca.pem"
    authority.ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return server


def test_smtp_password_signs_in_then_saves_it(
    run: Any, smtp: Any, memory_keyring: MemoryKeyring
) -> None:
    result = run("smtp", "password", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.code == 0, result
    assert "saved in the system keyring" in result.out
    assert memory_keyring.secrets == {(SERVICE, "sam@127.0.0.1"): PASSWORD}
    assert len(smtp.recorder.sign_ins) == 1 and smtp.recorder.deliveries == []
    tested = run("smtp", "test")
    assert tested.code == 0 and "sending works" in tested.out
    assert len(smtp.recorder.sign_ins) == 2 and smtp.recorder.deliveries == []
    forgot = run("smtp", "forget")
    assert forgot.code == 0 and "Forgot" in forgot.out
    assert memory_keyring.secrets == {}
    assert "No SMTP password was saved" in run("smtp", "forget").out
    assert "smtp password" in one_sentence(run("smtp", "test"))


def test_a_wrong_password_is_not_saved(
    run: Any, smtp: Any, memory_keyring: MemoryKeyring
) -> None:
    wrong = "not-it-at-all"
    text = one_sentence(run("smtp", "password", "--password-stdin", stdin=wrong + "\n"))
    assert "refused" in text and wrong not in text
    assert memory_keyring.secrets == {}


def test_without_a_keyring_the_password_is_not_even_asked(run: Any, smtp: Any) -> None:
    # The test session's keyring is the null backend: no keyring at all.
    text = one_sentence(run("smtp", "password", "--password-stdin", stdin=PASSWORD + "\n"))
    assert "keyring" in text
    assert smtp.recorder.sign_ins == []


def test_smtp_without_a_server_says_how_to_set_one(run: Any, steps: dict[str, str]) -> None:
    text = one_sentence(run("smtp", "test"))
    assert "followthrough config set smtp-host" in text


def test_a_password_must_be_piped_when_not_typed(
    run: Any, smtp: Any, memory_keyring: MemoryKeyring
) -> None:
    text = one_sentence(run("smtp", "password", stdin=""))
    assert "--password-stdin" in text
    assert "no password" in one_sentence(run("smtp", "password", "--password-stdin", stdin=""))
