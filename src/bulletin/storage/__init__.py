"""Files on disk: atomic writes and folders, locks, and the content-addressed store."""
