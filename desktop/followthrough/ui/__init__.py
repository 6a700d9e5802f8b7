"""The PySide6 user interface; it imports core and store, never the reverse."""
