"""Sentence embeddings on cpu_queue: the encoder, embedding tasks and retrieval helpers."""
