"""The local SQLite store (no Qt)."""

from followthrough.store.db import Store, open_store
from followthrough.store.records import (
    DB_NAME,
    StoredInterview,
    StoredStep,
    StoreError,
    default_data_dir,
    parse_utc,
    utc_text,
)

__all__ = [
    "DB_NAME",
    "Store",
    "StoreError",
    "StoredInterview",
    "StoredStep",
    "default_data_dir",
    "open_store",
    "parse_utc",
    "utc_text",
]
