"""The LLM capability: next-question generation (gpu_queue) and answer evaluation (cpu_queue)."""
