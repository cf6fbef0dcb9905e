"""Operator commands: `python -m interview_core.cli migrate | seed-demo | up`."""

import argparse
from pathlib import Path

from interview_core.db.migrate import upgrade_to_head


def _migrate(_: argparse.Namespace) -> None:
    upgrade_to_head()
    print("database migrated to head")


def _seed_demo(_: argparse.Namespace) -> None:
    from interview_core.seed import seed_demo

    seed_demo()


def _up(args: argparse.Namespace) -> None:
    from interview_core.localrun.platform import LocalPlatform, run_forever

    run_forever(
        LocalPlatform(
            data_dir=Path(args.data_dir),
            host=args.host,
            port=args.port,
            frontend_dist=Path(args.frontend_dist) if args.frontend_dist else None,
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="interview-core")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)
    commands.add_parser("seed-demo", help="seed the demo organisation").set_defaults(
        func=_seed_demo
    )
    up = commands.add_parser("up", help="run the whole platform locally")
    up.add_argument("--data-dir", default=".data")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
    up.add_argument("--frontend-dist", default=None)
    up.set_defaults(func=_up)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
