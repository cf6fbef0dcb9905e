"""Recruiter feedback on questions and scores, and the versioned training datasets built from it."""
