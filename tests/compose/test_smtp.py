"""Sending by SMTP against a real aiosmtpd server on 127.0.0.1, over TLS from a test authority.

Each server is started by the test on a free port with a certificate that `trustme` issues
for 127.0.0.1 and localhost; the client trusts that authority only where a test says so
(`client_context`), so the default context's refusal of an unknown authority is real too.
The recording handler keeps every delivered message and every sign-in attempt, so a test
can say "nothing was sent" and "the password was never offered" as facts. The server, the
authority and the in-memory keyring live in tests/smtp_server.py (fixtures in tests/conftest.py).
"""

from __future__ import annotations

import socket
import traceback
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from child_servers import free_port
from followthrough.compose.eml import email_message
from followthrough.compose.smtp import (
    SERVICE,
    SmtpConfig,
    SmtpError,
    forget_smtp_password,
    save_smtp_password,
    send_message,
    smtp_config,
    smtp_password,
    verify,
)
from followthrough.core.model import ValidationError
from followthrough.core.settings import Settings
from followthrough.store import open_store
from followthrough.store.secrets import SecretStoreUnavailable
from smtp_server import (
    ASCII_PASSWORD,
    ASCII_USER,
    NO_TLS_AUTH_WARNING,
    PASSWORD,
    USER,
    Authority,
    MemoryKeyring,
    StartServer,
    server_context_for,
)

pytestmark = pytest.mark.filterwarnings(NO_TLS_AUTH_WARNING)

SENT_HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Content-Type",
                "Content-Transfer-Encoding", "MIME-Version"]  # fmt: skip


def sample(**changes: Any) -> EmailMessage:
    values: dict[str, Any] = {
        "to_name": "Zoë Ñúñez",
        "to_address": "zoe@acme.example",
        "subject": "Thank you — today’s interview",
        "body": "Dear Zoë,\n\nThank you for your time today.\n\nSam\n",
        "from_name": "Sam Park",
        "from_address": "sam@example.com",
    }
    values.update(changes)
    return email_message(**values)


def assert_clear(error: SmtpError, *words: str) -> None:
    """One sentence that says what is wrong, with no trace of the password anywhere."""
    text = str(error)
    assert text.endswith(".") and "\n" not in text, text
    for word in words:
        assert word in text, text
    shown = "".join(traceback.format_exception(error))
    assert PASSWORD not in shown and PASSWORD not in repr(error)


# -- sending --------------------------------------------------------------------------------


def test_starttls_send_delivers_the_message(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    message = sample(unsent=True)  # a draft's marker must not travel
    message["Bcc"] = "hidden@example.org"
    send_message(server.config(), message, PASSWORD, context=authority.client_context())

    (delivery,) = server.recorder.deliveries
    assert delivery.tls and delivery.authenticated
    assert delivery.mail_from == "sam@example.com"
    assert delivery.rcpt_tos == ["zoe@acme.example", "hidden@example.org"]
    received = delivery.message
    assert received.keys() == SENT_HEADERS  # no X-Unsent, no Bcc
    assert b"hidden@example.org" not in delivery.content
    assert b"X-Unsent" not in delivery.content
    (to,) = received["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Zoë Ñúñez", "zoe@acme.example")
    assert str(received["From"]) == "Sam Park <sam@example.com>"
    assert str(received["Subject"]) == "Thank you — today’s interview"
    assert received["Message-ID"] == message["Message-ID"]
    body = received.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == (
        "Dear Zoë,\n\nThank you for your time today.\n\nSam\n"
    )
    assert [(m, login) for m, login, _ in server.recorder.sign_ins] in (
        [("PLAIN", b"sam")],
        [("LOGIN", b"sam")],
    )
    # The caller's message is left as it was.
    assert message["X-Unsent"] == "1" and message["Bcc"] == "hidden@example.org"


def test_implicit_ssl_send_delivers_the_message(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("ssl")
    send_message(server.config(), sample(), PASSWORD, context=authority.client_context())
    (delivery,) = server.recorder.deliveries
    assert delivery.tls and delivery.authenticated
    assert delivery.rcpt_tos == ["zoe@acme.example"]
    assert delivery.message.keys() == SENT_HEADERS


def test_a_message_without_a_sender_gets_the_configured_one(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("ssl")
    send_message(
        server.config(), sample(from_address=""), PASSWORD, context=authority.client_context()
    )
    (delivery,) = server.recorder.deliveries
    assert str(delivery.message["From"]) == "Sam Park <sam@example.com>"
    assert sorted(delivery.message.keys()) == sorted(SENT_HEADERS)


def test_an_ascii_password_signs_in_the_usual_way(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    config = server.config(username=ASCII_USER)
    send_message(config, sample(), ASCII_PASSWORD, context=authority.client_context())
    assert [delivery.authenticated for delivery in server.recorder.deliveries] == [True]
    with pytest.raises(SmtpError) as caught:
        verify(config, "wrong", context=authority.client_context())
    assert_clear(caught.value, "refused the user name ascii")


def test_a_wrong_password_is_refused_clearly(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    wrong = PASSWORD + "-typo"
    with pytest.raises(SmtpError) as caught:
        send_message(server.config(), sample(), wrong, context=authority.client_context())
    assert_clear(caught.value, "refused the user name sam", "password")
    assert wrong not in "".join(traceback.format_exception(caught.value))
    assert server.recorder.deliveries == []
    assert server.recorder.sign_ins  # it was the server that said no


def test_a_wrong_user_is_refused_clearly(start_server: StartServer, authority: Authority) -> None:
    server = start_server("ssl")
    with pytest.raises(SmtpError) as caught:
        verify(server.config(username="samuel"), PASSWORD, context=authority.client_context())
    assert_clear(caught.value, "samuel")


def test_no_password_stops_before_connecting(start_server: StartServer) -> None:
    server = start_server("starttls")
    with pytest.raises(SmtpError) as caught:
        send_message(server.config(), sample(), "")
    assert_clear(caught.value, "Enter the password of sam")
    assert server.recorder.sign_ins == [] and server.recorder.deliveries == []


def test_a_server_without_starttls_is_refused(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("plain")
    with pytest.raises(SmtpError) as caught:
        send_message(server.config(), sample(), PASSWORD, context=authority.client_context())
    assert_clear(caught.value, "does not offer STARTTLS", "unencrypted")
    assert server.recorder.sign_ins == []  # the password never went out in the clear
    assert server.recorder.deliveries == []


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_an_untrusted_certificate_is_refused(start_server: StartServer, security: str) -> None:
    server = start_server(security)
    with pytest.raises(SmtpError) as caught:
        send_message(server.config(), sample(), PASSWORD)  # the default context
    assert_clear(caught.value, "certificate", "cannot be trusted", "nothing was sent")
    assert server.recorder.sign_ins == [] and server.recorder.deliveries == []


def test_a_certificate_for_another_name_is_refused(
    start_server: StartServer, authority: Authority
) -> None:
    other = server_context_for(authority.ca, "mail.example.org")
    server = start_server("ssl", context=other)
    with pytest.raises(SmtpError) as caught:
        verify(server.config(), PASSWORD, context=authority.client_context())
    assert_clear(caught.value, "cannot be trusted")
    assert server.recorder.sign_ins == []


def test_an_unreachable_port_says_so() -> None:
    config = SmtpConfig("127.0.0.1", free_port(), "starttls", USER, "sam@example.com")
    with pytest.raises(SmtpError) as caught:
        send_message(config, sample(), PASSWORD, timeout=5)
    assert_clear(caught.value, "Cannot connect to the mail server at 127.0.0.1 port")


def test_a_server_that_does_not_answer_times_out() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # connections wait in the backlog; no greeting ever comes
        config = SmtpConfig("127.0.0.1", silent.getsockname()[1], "ssl", USER, "sam@example.com")
        with pytest.raises(SmtpError) as caught:
            verify(config, PASSWORD, timeout=0.5)
    assert_clear(caught.value, "did not answer within 0.5 seconds")


def test_ssl_against_a_starttls_port_explains_the_mismatch(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    with pytest.raises(SmtpError) as caught:
        verify(server.config(security="ssl"), PASSWORD, context=authority.client_context())
    assert_clear(caught.value, "secure (TLS) connection", "465", "587")


def test_starttls_against_an_ssl_port_says_to_check_the_setting(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("ssl")
    with pytest.raises(SmtpError) as caught:
        verify(
            server.config(security="starttls"),
            PASSWORD,
            context=authority.client_context(),
            timeout=1,
        )
    # The TLS server either waits for a handshake (our timeout) or gives up and hangs up.
    assert_clear(caught.value, "security setting")


def test_a_refused_recipient_is_named_and_nothing_is_sent(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    message = sample(to_address="nobody@refused.example")
    with pytest.raises(SmtpError) as caught:
        send_message(server.config(), message, PASSWORD, context=authority.client_context())
    assert_clear(caught.value, "refused the recipient nobody@refused.example", "550 5.1.1")
    assert server.recorder.deliveries == []


def test_a_partly_refused_message_says_who_got_it(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    message = sample()
    message["Cc"] = "nobody@refused.example"
    with pytest.raises(SmtpError) as caught:
        send_message(server.config(), message, PASSWORD, context=authority.client_context())
    assert_clear(caught.value, "nobody@refused.example", "other recipients were sent")
    (delivery,) = server.recorder.deliveries
    assert delivery.rcpt_tos == ["zoe@acme.example"]


def test_a_message_without_recipients_is_not_sent(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    with pytest.raises(SmtpError) as caught:
        send_message(
            server.config(), sample(to_address=""), PASSWORD, context=authority.client_context()
        )
    assert_clear(caught.value, "no recipient")
    assert server.recorder.sign_ins == []


def test_a_hand_made_message_cannot_gain_a_header_on_the_way(
    start_server: StartServer, authority: Authority
) -> None:
    server = start_server("starttls")
    message = sample()
    del message["Subject"]
    message["Subject"] = "=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?="  # decodes to a CR LF
    with pytest.raises(ValidationError):
        send_message(server.config(), message, PASSWORD, context=authority.client_context())
    assert server.recorder.deliveries == [] and server.recorder.sign_ins == []


def test_verify_signs_in_and_sends_nothing(start_server: StartServer, authority: Authority) -> None:
    server = start_server("starttls")
    verify(server.config(), PASSWORD, context=authority.client_context())
    assert len(server.recorder.sign_ins) == 1
    assert server.recorder.deliveries == []
    with pytest.raises(SmtpError) as caught:
        verify(server.config(), "nope", context=authority.client_context())
    assert_clear(caught.value, "refused")


# -- configuration --------------------------------------------------------------------------


def test_smtp_config_needs_a_server_and_a_sender() -> None:
    assert smtp_config(Settings()) is None
    assert smtp_config(Settings(smtp_host="smtp.example.com")) is None
    assert smtp_config(Settings(my_email="sam@example.com")) is None


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465)])
def test_smtp_config_fills_the_usual_port_and_the_user(security: str, port: int) -> None:
    settings = Settings(
        my_name="Sam Park", my_email="sam@example.com", smtp_host="smtp.example.com"
    ).with_value("smtp-security", security)
    config = smtp_config(settings)
    assert config == SmtpConfig(
        "smtp.example.com", port, security, "sam@example.com", "sam@example.com", "Sam Park"
    )
    assert config.account == "sam@example.com@smtp.example.com"
    custom = smtp_config(settings.with_value("smtp-port", "2525").with_value("smtp-username", "sp"))
    assert custom is not None and (custom.port, custom.username) == (2525, "sp")


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("smtp-host", "  SMTP.Example.COM. ", "smtp.example.com"),
        ("smtp-host", "[::1]", "::1"),
        ("smtp-host", "127.0.0.1", "127.0.0.1"),
        ("smtp-host", "bücher.example", "xn--bcher-kva.example"),
        ("smtp-host", "", ""),
        ("smtp-port", " 465 ", "465"),
        ("smtp-port", "", ""),
        ("smtp-security", "STARTTLS", "starttls"),
        ("smtp-security", "ssl", "ssl"),
        ("smtp-username", " sam@example.com ", "sam@example.com"),
    ],
)
def test_smtp_settings_are_normalised(key: str, value: str, stored: str) -> None:
    assert Settings().with_value(key, value).get(key) == stored


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("smtp-host", "smtp://mail.example.com", "name only"),
        ("smtp-host", "mail.example.com:587", "without a port"),
        ("smtp-host", "sam@mail.example.com", "name only"),
        ("smtp-host", "mail example.com", "not a valid"),
        ("smtp-host", "mail_server.example", "not a valid"),
        ("smtp-host", "-bad.example", "not a valid"),
        ("smtp-host", "mail.example.com\nBcc", "control character"),
        ("smtp-host", "a..b", "not a valid"),
        ("smtp-port", "0", "1 to 65535"),
        ("smtp-port", "65536", "1 to 65535"),
        ("smtp-port", "five", "1 to 65535"),
        ("smtp-port", "٥٨٧", "1 to 65535"),
        ("smtp-security", "none", "unencrypted"),
        ("smtp-security", "plain", "unencrypted"),
        ("smtp-security", "tls", "ssl"),
        ("smtp-username", "sam\r\nx", "control character"),
    ],
)
def test_bad_smtp_settings_are_refused(key: str, value: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        Settings().with_value(key, value)


def test_smtp_settings_survive_the_store(isolated_data_dir: Path) -> None:
    store, _ = open_store(isolated_data_dir)
    try:
        for key, value in [
            ("my-email", "sam@example.com"),
            ("smtp-host", "smtp.example.com"),
            ("smtp-port", "465"),
            ("smtp-security", "ssl"),
            ("smtp-username", "sam"),
        ]:
            store.set_setting(key, value)
    finally:
        store.close()
    reopened, _ = open_store(isolated_data_dir)
    try:
        config = smtp_config(reopened.settings())
    finally:
        reopened.close()
    assert config == SmtpConfig("smtp.example.com", 465, "ssl", "sam", "sam@example.com")


def test_a_default_port_is_stored_as_empty_and_read_back(isolated_data_dir: Path) -> None:
    store, _ = open_store(isolated_data_dir)
    try:
        store.set_setting("smtp-host", "smtp.example.com")
    finally:
        store.close()
    reopened, _ = open_store(isolated_data_dir)
    try:
        settings = reopened.settings()
    finally:
        reopened.close()
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == (
        "smtp.example.com",
        0,
        "starttls",
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"host": ""}, "cannot be empty"),
        ({"host": "smtp://x"}, "name only"),
        ({"port": 0}, "1 to 65535"),
        ({"port": 70000}, "1 to 65535"),
        ({"port": "587"}, "must be a number"),
        ({"security": "plain"}, "unencrypted"),
        ({"username": ""}, "cannot be empty"),
        ({"username": "sam\nBcc: x"}, "control character"),
        ({"from_address": ""}, "not a valid sender"),
        ({"from_address": "sam@example.com\r\nBcc: x@evil.example"}, "not a valid"),
        ({"from_name": "Sam\r\nBcc: x@evil.example"}, "control character"),
    ],
)
def test_smtp_config_validates_its_fields(changes: dict[str, Any], words: str) -> None:
    values: dict[str, Any] = {
        "host": "smtp.example.com",
        "port": 587,
        "security": "starttls",
        "username": "sam",
        "from_address": "sam@example.com",
    }
    values.update(changes)
    with pytest.raises(ValidationError, match=words):
        SmtpConfig(**values)


def test_smtp_config_normalises_the_host_and_user() -> None:
    config = SmtpConfig("SMTP.Example.com", 587, "starttls", " sam ", "sam@example.com")
    assert (config.host, config.username) == ("smtp.example.com", "sam")
    assert config.describe() == "smtp.example.com port 587 (STARTTLS)"


# -- the password, in the keyring only ------------------------------------------------------


CONFIG = SmtpConfig("smtp.example.com", 587, "starttls", "sam", "sam@example.com")


def test_the_password_is_kept_in_the_keyring_only(
    memory_keyring: MemoryKeyring, isolated_data_dir: Path
) -> None:
    assert smtp_password(CONFIG) is None
    save_smtp_password(CONFIG, PASSWORD)
    assert memory_keyring.secrets == {(SERVICE, "sam@smtp.example.com"): PASSWORD}
    assert SERVICE == "followthrough-smtp"
    assert smtp_password(CONFIG) == PASSWORD
    assert smtp_password(SmtpConfig("other.example.com", 587, "starttls", "sam", "s@x.io")) is None
    assert forget_smtp_password(CONFIG) is True
    assert forget_smtp_password(CONFIG) is False
    assert smtp_password(CONFIG) is None
    assert memory_keyring.secrets == {}
    if isolated_data_dir.exists():  # nothing of it in the data folder either
        for path in isolated_data_dir.rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes()


def test_an_empty_password_is_not_saved(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ValidationError, match="cannot be empty"):
        save_smtp_password(CONFIG, "")
    assert memory_keyring.secrets == {}


def test_without_a_keyring_nothing_is_saved_and_nothing_is_found() -> None:
    # The test session's keyring is the null backend: no keyring at all.
    with pytest.raises(SecretStoreUnavailable, match="No system keyring"):
        save_smtp_password(CONFIG, PASSWORD)
    assert smtp_password(CONFIG) is None
    assert forget_smtp_password(CONFIG) is False


def test_a_saved_password_sends(
    memory_keyring: MemoryKeyring, start_server: StartServer, authority: Authority
) -> None:
    server = start_server("ssl")
    config = server.config()
    save_smtp_password(config, PASSWORD)
    password = smtp_password(config)
    assert password is not None
    send_message(config, sample(), password, context=authority.client_context())
    assert len(server.recorder.deliveries) == 1
