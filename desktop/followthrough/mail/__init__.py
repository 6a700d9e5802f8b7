"""Watching the inbox (no Qt): IMAP accounts, reading new messages' headers only, and logging
a reply or a sent follow-up exactly as the user would by hand.

`accounts` keeps the accounts (their passwords in the keyring only), `presets` the services
Followthrough knows (resources/mail/presets.toml), `imap` the read-only conversation with the
server, `headers` what a message's header fields say, `matching` which interview and step a
message belongs to, `state` what was read and found (the store's mail tables), and `check`
puts them together.
"""
