"""The ``ehcp`` console script.

Exit 0 on success; 2 with a one-line message on stderr for bad input, as the contract says, so operators'
scripts can tell a typing mistake from a fault.
"""

from __future__ import annotations

import argparse
import datetime as dt
import faulthandler
import gc
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import OperationalError, ProgrammingError

from casework import accounts, organisations
from casework.accounts import passwords
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import CaseworkError
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.law.codes import ORGANISATION_KINDS
from casework.models import ROLES

MAX_DEMO_CASES = 100_000


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
        password = _password_from_stdin()
    user = accounts.create_user(open_database(), args.username, args.role, organisation=args.org, email=args.email,
                                password=password)
    org = f" in {args.org}" if args.org else ""
    print(f"Created {user.role} {user.username}{org}.")
    return 0


def _password_from_stdin() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_list(args: argparse.Namespace) -> int:
    """One user a line, tab-separated: username, role, organisation, email, status (active, paused or disabled)."""
    from sqlalchemy import select

    from casework.models import User

    with open_database().reading() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            status = "disabled" if not user.active else "paused" if accounts.is_paused(user) else (
                "active" if user.password_hash else "no password")
            print("\t".join((user.username, user.role, user.organisation.name if user.organisation else "",
                             user.email or "", status)))
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    accounts.disable_user(open_database(), args.username)
    print(f"Disabled {args.username}: signed out everywhere, API tokens refused.")
    return 0


def cmd_users_enable(args: argparse.Namespace) -> int:
    accounts.enable_user(open_database(), args.username)
    print(f"Enabled {args.username}.")
    return 0


def cmd_users_unlock(args: argparse.Namespace) -> int:
    accounts.unlock_user(open_database(), args.username)
    print(f"Lifted the pause on signing in for {args.username}.")
    return 0


def cmd_users_set_password(args: argparse.Namespace) -> int:
    if not args.password_stdin:
        raise UsageError("give the password on standard input with --password-stdin")
    accounts.set_password(open_database(), args.username, _password_from_stdin())
    print(f"Set a new password for {args.username}; their sessions have ended.")
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    """One token a line, tab-separated: id, username, made (UTC), revoked (UTC, empty while in use)."""
    with open_database().reading() as session:
        for token in accounts.list_tokens(session, args.username):
            print("\t".join((str(token.id), token.username, token.created_at.isoformat(timespec="seconds"),
                             token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "")))
    return 0


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    token = accounts.revoke_token(open_database(), args.token_id)
    print(f"Revoked API token {token.id} of {token.username}.")
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
    # Everything made while starting (modules, mappers, the app) lives as long as the process. Frozen, the
    # collector's full passes leave it out: over 200,000 objects, whose traversal paused every thread of the
    # process for about 90 ms now and then (in-process, 400 dashboards: the slowest 104 ms, 22 ms frozen).
    gc.collect()
    gc.freeze()
    # An operator can see what every thread is doing in a server that has stopped answering:
    # ``kill -USR1 <pid>`` writes each thread's stack to stderr and the server carries on.
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    print(f"Serving on http://{args.host}:{args.port} (stop with Ctrl-C)", flush=True)
    serve = settings["serve"]
    proxy = settings["web"]["trusted_proxy"]
    # Behind a TLS proxy, its X-Forwarded-* headers (and only its) say the scheme and the client's address.
    behind = {"trusted_proxy": proxy, "trusted_proxy_count": 1,
              "trusted_proxy_headers": "x-forwarded-proto x-forwarded-for x-forwarded-host"} if proxy else {}
    # A connection limit well above the threads and an idle timeout, so clients holding connections open
    # cannot stop others being answered.
    waitress.serve(app, host=args.host, port=args.port, threads=serve["threads"],
                   connection_limit=serve["connection_limit"], channel_timeout=serve["channel_timeout"],
                   clear_untrusted_proxy_headers=True, ident="ehcp", **behind)
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
    """Load the demo, then run the deadline scan once (without mail), so the manager signs in to alerts."""
    from casework.alerts import scan
    from casework.imports import bulk, demo

    if not 1 <= args.cases <= MAX_DEMO_CASES:
        raise UsageError(f"--cases must be a whole number from 1 to {MAX_DEMO_CASES:,}")
    settings = load_settings()
    db = open_database(settings)
    if args.cases >= bulk.BULK_FROM:  # a caseload at scale: rows written in bulk
        loaded = bulk.load(db, seed=args.seed, cases=args.cases) is not None
    else:
        loaded = demo.load(db, seed=args.seed, cases=args.cases, address=args.address)
    if loaded:
        result = scan.run_scan(db, settings, send_mail=False)
        print(f"Deadline scan run as of {clock.written(clock.today())}: {result['new_alerts']} overdue alerts "
              f"and {result['new_warnings']} warnings, on the manager's dashboard.")
    return 0


def cmd_letters_produce(args: argparse.Namespace) -> int:
    from casework.letters import produce

    settings = load_settings()
    result = produce.produce_queued(open_database(settings), settings)
    print(json.dumps(result))
    return 0 if result["failed"] == 0 else 1


def _sen2_return(args: argparse.Namespace):
    from casework.reporting import sen2

    settings = load_settings()
    sen2.check_year(args.year)
    with open_database(settings).reading() as session:
        return sen2.make_return(session, args.year, settings["service"]["la_code"])


def _print_findings(found, stream) -> None:
    """One finding a line, tab-separated: severity, rule, person id, person, case, field, message."""
    for f in found.findings:
        print("\t".join((f.severity, f.rule, str(f.person_id or ""), f.person, f.case_reference or "", f.field,
                         f.message)), file=stream)
    print(f"{len(found.persons)} people; {len(found.errors)} errors, {len(found.queries)} queries for the census "
          f"of {found.census_date.isoformat()}.", file=stream)


def cmd_sen2_validate(args: argparse.Namespace) -> int:
    found = _sen2_return(args)
    _print_findings(found, sys.stdout)
    return 1 if found.errors else 0


def cmd_sen2_export(args: argparse.Namespace) -> int:
    """The validated return on stdout or in --out; with errors, the findings on stderr and no file."""
    found = _sen2_return(args)
    if found.errors:
        _print_findings(found, sys.stderr)
        print("ehcp: the return has errors: put them right in the casework, then export again", file=sys.stderr)
        return 1
    if args.out:
        with open(args.out, "wb") as out:
            out.write(found.document)
        print(f"Wrote the SEN2 return for {args.year} ({len(found.persons)} people, {len(found.queries)} queries) "
              f"to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.buffer.write(found.document)
        sys.stdout.flush()
    return 0


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
    users.add_parser("list", help="list users: username, role, organisation, email, status").set_defaults(
        func=cmd_users_list)
    for name, func, what in (("disable", cmd_users_disable, "stop a user signing in and end their sessions"),
                             ("enable", cmd_users_enable, "let a disabled user sign in again"),
                             ("unlock", cmd_users_unlock, "lift a pause after wrong passwords")):
        one = users.add_parser(name, help=what)
        one.add_argument("username")
        one.set_defaults(func=func)
    set_pw = users.add_parser("set-password", help="set a user's password (ends their sessions)")
    set_pw.add_argument("username")
    set_pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    set_pw.set_defaults(func=cmd_users_set_password)

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
    listing = tokens.add_parser("list", help="list API tokens (of one user): id, username, made, revoked")
    listing.add_argument("username", nargs="?")
    listing.set_defaults(func=cmd_tokens_list)
    revoke = tokens.add_parser("revoke", help="revoke an API token by its id")
    revoke.add_argument("token_id", type=int)
    revoke.set_defaults(func=cmd_tokens_revoke)

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

    sen2 = _subcommands(commands, "sen2", "the DfE SEN2 person-level return")
    export = sen2.add_parser("export", help="write the validated return for the January census of a year")
    export.add_argument("--year", type=int, required=True, help="the census year, like 2026 (activity in 2025)")
    export.add_argument("--out", help="the file to write (default: standard output)")
    export.set_defaults(func=cmd_sen2_export)
    validate = sen2.add_parser("validate", help="list every error and query in the return for a census year")
    validate.add_argument("--year", type=int, required=True, help="the census year, like 2026 (activity in 2025)")
    validate.set_defaults(func=cmd_sen2_validate)

    demo = commands.add_parser("demo", help="load a demo caseload and demo users")
    demo.add_argument("--seed", type=int, default=2014)
    demo.add_argument("--cases", type=_whole_number_from_one, default=300,
                      help="how many cases (300 by default; from 1,000 they are written in bulk)")
    demo.add_argument("--address", default="http://127.0.0.1:8000/sign-in",
                      help="the sign-in address to print: where the service will really be served")
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
        settings = load_settings()  # a mistyped setting stops every command before it touches anything
        passwords.use_hashing_profile(settings["web"]["password_hashing"])
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
