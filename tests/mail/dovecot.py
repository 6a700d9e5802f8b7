"""A real Dovecot IMAP server for the mail tests, on 127.0.0.1, never as a system service.

Each `Dovecot` runs Debian's dovecot (package dovecot-imapd, which .ci/run installs) in the
foreground with a configuration of its own in a temporary folder: a STARTTLS listener and an
implicit-TLS one on free ports, a self-signed certificate for 127.0.0.1, users in
passwd-files (one a user, so `new_user()` adds one for each test) and Maildir
mailboxes with an INBOX and a Sent folder marked \\Sent. It runs as the current user; as root
(where Dovecot refuses to run its login and mail processes as root) as the users the package
made, dovenull and dovecot. `stop()` ends it.

Tests put messages in with APPEND (`append`), as a mail delivery would, and read the server's
log (`log`), where each session's end says how many header and body parts were read.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from certificates import self_signed_certificate
from child_servers import free_port, stop_process, wait_listening

DOVECOT = "/usr/sbin/dovecot"
PARIS = ZoneInfo("Europe/Paris")  # where the tests' interview (tests/one_interview.py) is
Deliver = Callable[..., None]  # the `deliver` fixture of tests/mail/conftest.py


def need_dovecot() -> str:
    """The dovecot program, or RuntimeError (one sentence)."""
    found = shutil.which("dovecot") or (DOVECOT if Path(DOVECOT).is_file() else None)
    if found is None:
        raise RuntimeError(
            "The mail tests need a real IMAP server: install the Debian package dovecot-imapd "
            "(.ci/run does)."
        )
    return found


def message(
    sender: str,
    to: str,
    subject: str,
    when: datetime,
    *,
    message_id: str = "",
    in_reply_to: str = "",
    extra: dict[str, str] | None = None,
    body: str = "Thank you for your time.",
) -> bytes:
    """An RFC 5322 message, as a mail program would write it."""
    made = EmailMessage()
    made["From"] = sender
    made["To"] = to
    made["Subject"] = subject
    made["Date"] = format_datetime(when)
    made["Message-ID"] = f"<{message_id or secrets.token_hex(8) + '@test.example'}>"
    if in_reply_to:
        made["In-Reply-To"] = f"<{in_reply_to}>"
        made["References"] = f"<{in_reply_to}>"
    for name, value in (extra or {}).items():
        made[name] = value
    made.set_content(body)
    return made.as_bytes()


class Dovecot:
    """One Dovecot master process and its folder (see the module's docstring)."""

    def __init__(self, gmail: bool = False) -> None:
        """`gmail`: folders as Gmail has them, no Sent folder but "[Gmail]/All Mail" marked
        \\All (SPECIAL-USE), where Gmail keeps what was sent."""
        self.program = need_dovecot()
        # Not under pytest's private tmp folder: Dovecot's unprivileged processes must reach it.
        self.folder = Path(tempfile.mkdtemp(prefix="followthrough-dovecot-"))
        self.folder.chmod(0o755)
        self.plain_port, self.tls_port = free_port(), free_port()
        cert, key, self.fingerprint = self_signed_certificate(self.folder)
        key.chmod(0o600)
        self.users = self.folder / "users"  # a passwd-file for each user, read when first asked
        self.users.mkdir(mode=0o755)
        self.home = self.folder / "home"
        self.home.mkdir()
        root = os.geteuid() == 0
        me = pwd.getpwuid(os.geteuid())
        login = "dovenull" if root else me.pw_name
        internal = pwd.getpwnam("dovecot") if root else me
        self.mail_uid, self.mail_gid = internal.pw_uid, internal.pw_gid
        if root:
            os.chown(self.home, self.mail_uid, self.mail_gid)
        self.config = self.folder / "dovecot.conf"
        self.config.write_text(
            _CONFIG.format(
                folder=self.folder, cert=cert, key=key, login=login, internal=internal.pw_name,
                group=grp.getgrgid(internal.pw_gid).gr_name, uid=self.mail_uid,
                gid=self.mail_gid, users=self.users, home=self.home,
                plain=self.plain_port, tls=self.tls_port,
                folders=_GMAIL_FOLDERS if gmail else _FOLDERS,
            ),
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None
        self._count = 0

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        output = (self.folder / "master.out").open("ab")
        try:
            self.process = subprocess.Popen(
                [self.program, "-F", "-c", str(self.config)], stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        finally:
            output.close()
        try:
            wait_listening(
                self.process, (self.plain_port, self.tls_port), "dovecot",
                lambda: self.log()[-2000:],
            )  # fmt: skip
        except RuntimeError:
            self.process = None
            raise

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        texts = []
        for name in ("dovecot.log", "master.out"):
            with contextlib.suppress(OSError):
                texts.append((self.folder / name).read_text(encoding="utf-8", errors="replace"))
        return "\n".join(texts)

    def new_user(self) -> tuple[str, str]:
        """A user with an empty mailbox: (user, password)."""
        self._count += 1
        user, password = f"user{self._count}", "pw-" + secrets.token_hex(6)
        entry = self.users / user
        entry.write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
        entry.chmod(0o644)
        return user, password

    def client(self, user: str, password: str):  # -> IMAPClient
        """A test's own connection (over STARTTLS, the certificate not checked)."""
        import ssl

        from imapclient import IMAPClient

        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        client = IMAPClient("127.0.0.1", self.plain_port, ssl=False, timeout=10)
        client.starttls(context)
        client.login(user, password)
        return client

    def append(self, user: str, password: str, folder: str, data: bytes, when: datetime) -> None:
        """Deliver a message into `folder`, received at `when`."""
        client = self.client(user, password)
        try:
            client.append(folder, data, msg_time=when)
        finally:
            client.logout()

    def new_uidvalidity(self, user: str) -> None:
        """Renumber the user's INBOX (a new UIDVALIDITY, as after a server's rebuild); the
        server is stopped meanwhile."""
        self.stop()
        uidlist = self.home / user / "Maildir" / "dovecot-uidlist"
        first, _, rest = uidlist.read_text(encoding="ascii").partition("\n")
        first = re.sub(r" V(\d+)", lambda m: f" V{int(m.group(1)) + 1000}", first)
        uidlist.write_text(f"{first}\n{rest}", encoding="ascii")
        self.start()

    def body_reads(self) -> list[str]:
        """How much of the messages' bodies each ended session read (body_count=N)."""
        return re.findall(r"body_count=(\d+)", self.log())


_FOLDERS = """\
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }"""
_GMAIL_FOLDERS = """\
  mailbox "[Gmail]/All Mail" {
    special_use = \\All
    auto = create
  }"""

_CONFIG = """\
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {group}
first_valid_uid = 1
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
{folders}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


class CuttingProxy:
    """A TLS front for Dovecot that hangs up part-way through a FETCH: it ends the TLS itself
    (with Dovecot's certificate, so the same fingerprint is trusted), talks to Dovecot's
    listener in plain text on 127.0.0.1, and cuts both connections once the server has sent
    more than `fetches` FETCH responses (None: never)."""

    def __init__(self, server: Dovecot, fetches: int | None) -> None:
        import ssl
        import threading

        self.server = server
        self.fetches = fetches
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(server.folder / "cert.pem", server.folder / "key.pem")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.cut = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        import threading

        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(raw,), daemon=True).start()

    def _relay(self, raw: socket.socket) -> None:
        import threading

        try:
            client = self.context.wrap_socket(raw, server_side=True)
            upstream = socket.create_connection(("127.0.0.1", self.server.plain_port))
        except OSError:
            raw.close()
            return
        seen = 0

        def up() -> None:
            with contextlib.suppress(OSError):
                while data := client.recv(65536):
                    upstream.sendall(data)
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)

        threading.Thread(target=up, daemon=True).start()
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                seen += data.count(b" FETCH (")
                if self.fetches is not None and seen > self.fetches:
                    self.cut.set()
                    break
                client.sendall(data)
        for end in (client, upstream):
            with contextlib.suppress(OSError):
                socket.socket.shutdown(end, socket.SHUT_RDWR)  # wakes the other direction
            with contextlib.suppress(OSError):
                end.close()

    def close(self) -> None:
        self.listener.close()
