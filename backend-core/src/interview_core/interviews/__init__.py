"""Interviews and their turns: the state machine, answer submission and question serving."""
