"""The ``ehcp`` console script.

Exit 0 on success; 2 with a one-line message on stderr for bad input, as the contract says, so operators'
scripts can tell a typing mistake from a fault.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import OperationalError, ProgrammingError

from casework import accounts, organisations
from casework.core.db import Database
from casework.core.errors import CaseworkError
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.law.codes import ORGANISATION_KINDS
from casework.models import ROLES


class UsageError(Exception):
    """Bad input on the command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as for any other bad input
        raise UsageError(message)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD") from None


def open_database(settings: dict | None = None) -> Database:
    settings = settings or load_settings()
    return Database(settings["database"]["url"], Policy.from_settings(settings))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    db = open_database()
    db.upgrade()
    print(f"Database is at the newest schema ({db.dialect}).")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    user = accounts.create_user(open_database(), args.username, args.role, organisation=args.org, email=args.email,
                                password=password)
    org = f" in {args.org}" if args.org else ""
    print(f"Created {user.role} {user.username}{org}.")
    return 0


def cmd_organisations_add(args: argparse.Namespace) -> int:
    found, created = organisations.add_organisation(open_database(), args.name, args.kind, urn=args.urn,
                                                    ukprn=args.ukprn)
    if created:
        print(f"Added {found.name} ({found.kind}) to the directory as organisation {found.id}.")
    else:
        print(f"{found.name} is already in the directory as organisation {found.id}: nothing changed.")
    return 0


def cmd_organisations_list(args: argparse.Namespace) -> int:
    """One organisation a line, tab-separated: id, name, kind, URN, UKPRN (empty when none)."""
    with open_database().reading() as session:
        for o in organisations.directory(session):
            print("\t".join((str(o.id), o.name, o.kind, o.urn or "", o.ukprn or "")))
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    print(accounts.create_token(open_database(), args.username))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import waitress

    from web import create_app

    settings = load_settings()
    app = create_app(settings)
    print(f"Serving on http://{args.host}:{args.port} (stop with Ctrl-C)", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=8, ident="ehcp")
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from casework.alerts import scan

    settings = load_settings()
    result = scan.run_scan(open_database(settings), settings, as_of=args.as_of)
    print(json.dumps(result))
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    from casework.jobs import scheduler

    scheduler.run(load_settings())
    return 0


def _whole_number_from_one(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number from 1")
    return int(raw)


def cmd_demo(args: argparse.Namespace) -> int:
    from casework.imports import bulk, demo

    if args.cases is not None and args.cases >= bulk.BULK_FROM:  # a caseload at scale: rows written in bulk
        bulk.load(open_database(), seed=args.seed, cases=args.cases)
    else:
        demo.load(open_database(), seed=args.seed, cases=args.cases)
    return 0


def cmd_letters_produce(args: argparse.Namespace) -> int:
    from casework.letters import produce

    settings = load_settings()
    result = produce.produce_queued(open_database(settings), settings)
    print(json.dumps(result))
    return 0 if result["failed"] == 0 else 1


def _subcommands(commands: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    return commands.add_parser(name, help=help_text).add_subparsers(
        dest=f"{name}_command", metavar="SUBCOMMAND", required=True, parser_class=_Parser)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ehcp", description="EHCP statutory casework service")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    db = _subcommands(commands, "db", "database schema")
    db.add_parser("upgrade", help="create or migrate the database to the newest schema").set_defaults(
        func=cmd_db_upgrade)

    users = _subcommands(commands, "users", "user accounts")
    create = users.add_parser("create", help="add a user")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--org", help="the adviser's organisation: its name in the directory")
    create.add_argument("--email")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(func=cmd_users_create)

    directory = _subcommands(commands, "organisations", "the directory of organisations advice is asked of")
    add = directory.add_parser("add", help="add an organisation (one already there is left as it is)")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=ORGANISATION_KINDS)
    add.add_argument("--urn", help="a school's or early years setting's URN: 6 numbers")
    add.add_argument("--ukprn", help="a college's UKPRN: 8 numbers starting with 1")
    add.set_defaults(func=cmd_organisations_add)
    directory.add_parser("list", help="list the directory: id, name, kind, URN, UKPRN").set_defaults(
        func=cmd_organisations_list)

    tokens = _subcommands(commands, "tokens", "API tokens")
    token = tokens.add_parser("create", help="print a new API token for a user")
    token.add_argument("username")
    token.set_defaults(func=cmd_tokens_create)

    serve = commands.add_parser("serve", help="serve the web UI and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)

    scan = commands.add_parser("scan", help="run the deadline scan once")
    scan.add_argument("--as-of", type=_date, default=None, help="scan as if today were this date (YYYY-MM-DD)")
    scan.set_defaults(func=cmd_scan)

    commands.add_parser("scheduler", help="run the scheduled scans until stopped").set_defaults(func=cmd_scheduler)

    letters = _subcommands(commands, "letters", "statutory letters")
    letters.add_parser("produce", help="produce the letters that decisions have queued").set_defaults(
        func=cmd_letters_produce)

    demo = commands.add_parser("demo", help="load a demo caseload and demo users")
    demo.add_argument("--seed", type=int, default=2014)
    demo.add_argument("--cases", type=_whole_number_from_one, default=None,
                      help="how many cases to load (300 unless given; from 1,000 they are written in bulk)")
    demo.set_defaults(func=cmd_demo)
    return parser


def _log_to_stderr() -> None:
    """Operators read the scan's and scheduler's log lines on stderr; stdout keeps the JSON summary alone."""
    level = os.environ.get("EHCP_LOG_LEVEL", "INFO").strip().upper()
    if level not in logging.getLevelNamesMapping():
        raise UsageError(f"EHCP_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not '{level}'")
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("transitions").setLevel(logging.WARNING)  # one line per state change drowns the rest


def main(argv: Sequence[str] | None = None) -> int:
    try:
        _log_to_stderr()
        args = build_parser().parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.func
        load_settings()  # a mistyped setting stops every command before it touches anything
        return handler(args)
    except UsageError as exc:
        print(f"ehcp: {exc}", file=sys.stderr)
        return 2
    except CaseworkError as exc:
        print(f"ehcp: {exc.message}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:
        if _missing_table(exc):
            print("ehcp: the database has no tables yet: run `ehcp db upgrade` first", file=sys.stderr)
            return 1
        raise
    except KeyboardInterrupt:
        return 130


def _missing_table(exc: Exception) -> bool:
    """SQLite says "no such table", PostgreSQL "relation ... does not exist"."""
    message = str(getattr(exc, "orig", exc))
    return "no such table" in message or ("relation" in message and "does not exist" in message)


if __name__ == "__main__":
    sys.exit(main())
