"""Users, organisations and recruiter invites."""
