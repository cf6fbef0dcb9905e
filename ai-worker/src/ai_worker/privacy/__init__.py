"""Data lifecycle tasks."""
