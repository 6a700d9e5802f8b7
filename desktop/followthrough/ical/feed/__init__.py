"""The subscription feed over HTTP: served from this computer, or published to a WebDAV folder.

- `content`: what the feed is: the secret token in its URL, kept in the store's database, its
  media type, and `FeedError`, the error of everything here.
- `hosts`: whether an address names this computer only.
- `builds`: `FeedBuilds`, the served feed built once per change of the store, in a worker
  thread, plain and gzip-compressed.
- `server`: `FeedServer`, which answers GET and HEAD at /feed/<token>.ics, and `serve_command()`
  (`followthrough feed serve`).
- `webdav`: uploading the feed to a WebDAV location, the password kept in the system keyring,
  and `publish_command()` (`followthrough feed publish`).
"""
