"""The message editor: one window per follow-up step, to write, send and record it.

`window` is the editor window (MessageEditor); `draft` keeps its text (the saved draft or the
template, autosaved); `actions` are the ways a message leaves (mail app, .eml, copy, call,
print, PDF) and the recording of a step; `sending` sends by SMTP off the UI thread; `card`
lays a letter out as a printed or PDF card; `placeholders` marks what is still to fill in.
"""
