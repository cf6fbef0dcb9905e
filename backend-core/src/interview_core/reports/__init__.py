"""Interview reports: assembly from evaluations, recommendation, decisions and exports."""
