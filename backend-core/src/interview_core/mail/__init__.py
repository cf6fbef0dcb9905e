"""Outgoing mail: messages composed per purpose, sent over SMTP after commit, and the local
SMTP sink that stores messages under `<data dir>/mail/` for the embedded run and the tests."""
