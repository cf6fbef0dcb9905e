"""backend-core: auth, jobs, interviews, reports and the database. Never imports an ML library."""
