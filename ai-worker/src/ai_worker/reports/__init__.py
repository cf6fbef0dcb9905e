"""Report assembly on cpu_queue: pure Python over stored rows (no model), after an interview."""
