"""Who viewed, exported or decided on what: an append-only audit log."""
