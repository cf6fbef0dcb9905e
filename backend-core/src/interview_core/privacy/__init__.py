"""Data lifecycle: retention periods enforced on schedule, and a candidate's export and erasure."""
