"""Seed data for the embedded default: filled in as domains land."""


def seed_demo() -> None:
    print("demo seed: nothing to seed yet")
