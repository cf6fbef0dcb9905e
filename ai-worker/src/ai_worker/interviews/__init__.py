"""The interview engine's tasks: they take turn IDs, re-read the rows, run a capability and
write the result idempotently."""
