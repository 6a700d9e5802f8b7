"""CalDAV: the accounts the user connects, and two-way sync with one calendar of each (no Qt).

`accounts` keeps who connects where (a row in the store, the secret in the OS keyring) and
hands out configured caldav clients; the sync engine builds on it.
"""
