"""Job postings: description, language, weighted competencies and the scenario to use."""
