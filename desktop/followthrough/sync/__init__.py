"""CalDAV: the accounts the user connects, and two-way sync with one calendar of each (no Qt).

`accounts` keeps who connects where (a row in the store, the secret in the OS keyring);
`connection` adds an account once its server accepts the login and hands out configured
caldav clients, trusting servers as `trust` says; `presets` knows the common services and
`calendars` the calendars of an account. A sync (`engine`) pulls (`pull`, settling changes
made on both sides with `merge`) and pushes (`push`) over `wire`, compares events by what they
say (`events`) and keeps what it knows in `records`; `errors` says what went wrong.
"""
