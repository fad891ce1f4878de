"""Turn the diary's URLs into records. Never touches SQLite (that is `archive`)."""
