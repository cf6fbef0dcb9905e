"""Operator commands: `python -m interview_core.cli migrate | seed-demo | create-admin | up`."""

import argparse
import os
from pathlib import Path

from interview_core.db.migrate import upgrade_to_head


def _migrate(_: argparse.Namespace) -> None:
    upgrade_to_head()
    print("database migrated to head")


def _seed_demo(_: argparse.Namespace) -> None:
    from interview_core.seed import seed_demo

    seed_demo()


def _reembed(args: argparse.Namespace) -> None:
    from interview_core.db.engine import session_scope
    from interview_core.retrieval.service import reembed

    with session_scope() as session:
        enqueued = reembed(session, args.dimension)
    for table, count in enqueued.items():
        print(f"{table.value}: {count} rows enqueued for embedding")


def _create_admin(args: argparse.Namespace) -> None:
    import getpass
    import os

    from interview_core.accounts.models import UserRole
    from interview_core.accounts.service import create_user
    from interview_core.db.engine import session_scope
    from interview_core.errors import ProblemError

    password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password for the admin: ")
    try:
        with session_scope() as session:
            create_user(
                session,
                email=args.email,
                password=password,
                full_name=args.name,
                role=UserRole.ADMIN,
            )
    except ProblemError as exc:
        raise SystemExit(f"create-admin: {exc.detail}") from exc
    print(f"admin {args.email.strip().lower()} created")


def _up(args: argparse.Namespace) -> None:
    import sys

    from interview_core.localrun.console import Console
    from interview_core.localrun.platform import LOGS_DIR, LocalPlatform, run_forever

    data_dir = Path(args.data_dir)
    if args.verbose:
        # Everything, libraries' progress included (the processes inherit this environment).
        os.environ.setdefault("LIBRARY_LOG_LEVEL", "INFO")
    console = Console(
        sys.stdout, verbose=args.verbose, history=data_dir / LOGS_DIR / "platform.log"
    )
    run_forever(
        LocalPlatform(
            data_dir=data_dir,
            host=args.host,
            port=args.port,
            frontend_dist=Path(args.frontend_dist) if args.frontend_dist else None,
        ),
        console,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="interview-core")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)
    commands.add_parser("seed-demo", help="seed the demo organisation").set_defaults(
        func=_seed_demo
    )
    reembed = commands.add_parser(
        "reembed", help="re-embed every row; --dimension re-types the vector columns first"
    )
    reembed.add_argument("--dimension", type=int, default=None)
    reembed.set_defaults(func=_reembed)
    create_admin = commands.add_parser(
        "create-admin", help="create an admin account (password from ADMIN_PASSWORD or a prompt)"
    )
    create_admin.add_argument("--email", required=True)
    create_admin.add_argument("--name", default="Administrator")
    create_admin.set_defaults(func=_create_admin)
    up = commands.add_parser("up", help="run the whole platform locally")
    up.add_argument("--data-dir", default=".data")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
    up.add_argument("--frontend-dist", default=None)
    up.add_argument(
        "--verbose",
        action="store_true",
        help="show every process's output on the console too (it always goes to the log files)",
    )
    up.set_defaults(func=_up)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
