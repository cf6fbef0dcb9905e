"""Résumés: uploaded by candidates, text extracted and chunked for grounded questions."""
