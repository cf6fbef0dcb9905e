"""Retrieval: question bank and document chunks with pgvector embeddings, searched by meaning."""
