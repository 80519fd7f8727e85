"""The command line: load, kpis, history, rollback, export, template, report, init, remove-demo, the
editions: publish, approve, editions, revisions, prune; and the store's safety: verify, backup, restore."""

import argparse
import errno
import json
import os
import sys
from datetime import date

import duckdb

from alliance import AllianceError, editions, i18n, integrity, words
from alliance.history import ROLLBACK_KINDS, can_roll_back, history, remove_demo, rollback
from alliance.ingest.apply import NOTHING_CHANGED
from alliance.ingest.load import load_file
from alliance.ingest.problems import Rejected
from alliance.kpis import REGIONS, summary
from alliance.store import Store, readable
from alliance.who import current_user
from alliance.words import LAUNCH, escaped


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form 2023-06-30") from None


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1
    if not days >= 0 or days == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (0 or more)")
    return days


def _text(text: str) -> str:
    """Free text given on the command line (a user, a note, an edition's name): one line, no control character."""
    why = words.control_character(text)
    if why:
        raise argparse.ArgumentTypeError(f"{why}; give it as one line of printable text")
    return text


def _region(text: str) -> str:
    code = text.upper()
    if code not in (*REGIONS, "GLB"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a region code ({', '.join(REGIONS)}, GLB)")
    return code


def parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    top = argparse.ArgumentParser(prog="python -m alliance", description="The Alliance store.")
    sub = top.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, run) -> argparse.ArgumentParser:
        """A subcommand and the function that runs it: run(args, store) -> exit code."""
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="store location (default: $ALLIANCE_DB, else data/alliance.duckdb)")
        p.set_defaults(run=run)
        return p

    p = command("init", "Create the store holding the reference data.", _init)
    p.add_argument("--builtin", action="store_true", help="also load the built-in data and the demo set when the store is new")
    p.add_argument("--no-demo", action="store_true", help="with --builtin: leave out the demo set")

    p = command("load", "Load an .xlsx workbook or a .csv file.", _load)
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="the file's sheets become the whole set of their rows")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--user", type=_text, help="who is loading (default: $ALLIANCE_USER, else the OS user)")
    p.add_argument("--max-size-mb", type=float, help="refuse larger files (default 50, or $ALLIANCE_MAX_FILE_MB)")

    p = command("kpis", "Print the KPI summary.", _kpis)
    p.add_argument(
        "--from",
        dest="period_start",
        type=_date,
        default=None,
        help="period start: flows count from this date (default: no start, everything up to --as-of)",
    )
    p.add_argument("--as-of", type=_date, default=None, help="flows count up to this date, stocks are at it (default today)")
    p.add_argument("--region", type=_region, default=None)
    p.add_argument("--edition", type=_text, help="the figures of this edition, frozen when it was approved (its own period)")
    p.add_argument("--json", action="store_true", required=True)

    p = command("history", "List loads, rollbacks and demo removals.", _history)
    p.add_argument("--json", action="store_true")

    p = command("rollback", "Return the store to its state before a load.", _rollback)
    p.add_argument("load_id", type=int)
    p.add_argument("--user", type=_text)

    p = command("export", "Write the whole store as an upload workbook.", _export)
    p.add_argument("--out", required=True)

    p = command("template", "Write an empty upload workbook with instructions and drop-down lists.", _template)
    p.add_argument("--out", required=True)

    p = command("report", "Write the TDAG report (.docx) and its annex of tables (.xlsx).", _report)
    p.add_argument("--as-of", type=_date, help="required unless --edition gives the period")
    p.add_argument(
        "--from",
        dest="period_start",
        type=_date,
        default=None,
        help="period start (default: the launch, 2023-01-25)",
    )
    p.add_argument("--edition", type=_text, help="the report of this edition: its stored state and its period")
    p.add_argument("--region", type=_region, default=None)
    p.add_argument("--out", required=True, help="the .docx to write")
    p.add_argument("--annex", help="the .xlsx annex (default: OUT-annex.xlsx)")
    p.add_argument("--no-images", action="store_true", help="leave the charts out (no Chromium needed)")
    p.add_argument(
        "--lang", choices=["ar", "zh", "en", "fr", "ru", "es"], default="en", help="the language of the report (default: en)"
    )

    p = command("remove-demo", "Delete every demo row.", _remove_demo)
    p.add_argument("--user", type=_text)

    p = command("publish", "Prepare an edition (a draft) of the data as it is now, for a period.", _publish)
    p.add_argument("name", type=_text, help="a name such as TDAG-26 (letters, digits, spaces, . - _)")
    p.add_argument("--as-of", type=_date, required=True)
    p.add_argument("--from", dest="period_start", type=_date, default=None, help="period start (default: no start)")
    p.add_argument("--note", type=_text, default="")
    p.add_argument("--user", type=_text, help="who prepares it (default: $ALLIANCE_USER, else the OS user)")

    p = command("approve", "Approve (publish) an edition another person prepared.", _approve)
    p.add_argument("name", type=_text)
    p.add_argument("--user", type=_text, help="who approves it (default: $ALLIANCE_USER, else the OS user)")

    p = command("editions", "List the editions, newest first.", _editions)
    p.add_argument("--json", action="store_true")

    p = command("revisions", "List an edition's figures that the data as it is now gives differently.", _revisions)
    p.add_argument("name", type=_text)
    p.add_argument("--region", type=_region, default=None, help="compare this region's figures (default: the Alliance's)")
    p.add_argument("--json", action="store_true")

    p = command("prune", "Delete stored states older than N days that no edition and not the newest state needs.", _prune)
    p.add_argument("--keep-days", type=_days, required=True)
    p.add_argument("--user", type=_text)

    p = command("verify", "Check every kept stored state and edition against the checksum recorded when it was written.", _verify)
    p.add_argument("--json", action="store_true")

    p = command("backup", "Write the store (its stored states, history, editions and checksums) to one file.", _backup)
    p.add_argument("--out", required=True, help="the file to write (a .tar.gz)")
    p.add_argument(
        "--only-needed",
        action="store_true",
        help="only the current state and the editions' (smaller; older loads then cannot be rolled back after a restore)",
    )

    p = command("restore", "Make a new store at --db from a backup file (never over an existing store).", _restore)
    p.add_argument("file")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (0 done, 1 refused, 2 usage)."""
    top = parser()
    args = top.parse_args(argv)
    if "user" in args and args.user is None:
        # Who is recorded when --user is not given: refused as --user is, before anything is read or written.
        try:
            current_user()
        except AllianceError as error:
            top.error(str(error))
    store = Store(args.db)
    try:
        return args.run(args, store)
    except BrokenPipeError:
        # The reader went away (`... | head`): say nothing more, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Rejected as rejected:
        if getattr(args, "json", False):
            print(
                json.dumps(
                    {
                        "status": "rejected",
                        "file": rejected.file_name,
                        # Past the listing cap, `problems` ends with a line per column counting the rest.
                        "total": getattr(rejected.problems, "total", len(rejected.problems)),
                        "problems": [p.as_dict() for p in rejected.problems],
                    },
                    indent=2,
                )
            )
        for line in rejected.lines:  # each line's names and values with their control characters shown as escapes
            print(escaped(line), file=sys.stderr)
        return 1
    except AllianceError as error:
        if getattr(args, "json", False) and args.command == "load":
            print(json.dumps({"status": "rejected", "problems": [{"message": str(error)}]}, indent=2))
        elif getattr(args, "json", False):
            print(json.dumps({"status": "error", "message": str(error)}, indent=2))
        print(escaped(error), file=sys.stderr)
        return 1
    except (OSError, duckdb.Error) as error:
        # A full disk, a read-only folder, a damaged snapshot: say so plainly; nothing was published.
        message = escaped(
            f"The store at {store.path} could not be read or written, and nothing was changed: {_storage_reason(error)}"
        )
        if getattr(args, "json", False):
            print(json.dumps({"status": "error", "message": message}, indent=2))
        print(message, file=sys.stderr)
        return 1


def _storage_reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full."
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"the file system does not allow writing there ({error.strerror})."
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".strip()


def _init(args, store: Store) -> int:
    from alliance.ingest.load import seed

    new = not store.exists()
    store.ensure()
    if new and args.builtin:
        for result in seed(store, demo=not args.no_demo):
            print(f"load {result.load_id}: {escaped(result.file_name)}: " + _counts_line(result.sheets))
    print(f"store ready at {escaped(store.path)}")
    return 0


def _load(args, store: Store) -> int:
    result = load_file(store, args.file, replace=args.replace, user=args.user, max_mb=args.max_size_mb)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif result.unchanged:
        print(f"{escaped(result.file_name)}: {NOTHING_CHANGED}; nothing was written: " + _counts_line(result.sheets))
    else:
        print(f"load {result.load_id}: {escaped(result.file_name)}: " + _counts_line(result.sheets))
    for notice in result.notices:
        print(escaped(notice), file=sys.stderr)
    return 0


def _kpis(args, store: Store) -> int:
    store.ensure()
    con = store.connect()
    try:
        if args.edition is not None:
            if args.as_of or args.period_start or not args.edition.strip():
                print("--edition NAME gives the period: name an edition, and leave out --from and --as-of.", file=sys.stderr)
                return 2
            edition = editions.get(con, args.edition)
            if edition["status"] != "published":
                print(
                    f"The edition '{escaped(edition['name'])}' is a draft, not approved: it has no figures to quote yet "
                    "(kpis --from and --as-of give the data's).",
                    file=sys.stderr,
                )
                return 1
            print(json.dumps(editions.figures(con, edition["name"], args.region, store), indent=2))
            return 0
        as_of = args.as_of or date.today()
        if args.period_start and args.period_start > as_of:
            print(f"--from {args.period_start.isoformat()} is after --as-of {as_of.isoformat()}.", file=sys.stderr)
            return 2
        print(json.dumps(summary(con, as_of, args.region, period_start=args.period_start), indent=2))
    finally:
        con.close()
    return 0


def _history(args, store: Store) -> int:
    store.ensure()
    _finish_prunes(store)
    con = store.connect()
    try:
        loads = history(con)
    finally:
        con.close()
    for h in loads:
        h["can_roll_back"] = can_roll_back(store, h)
    if args.json:
        print(json.dumps(loads, indent=2, default=str))
    else:
        for h in loads:
            gone = "" if h["can_roll_back"] or h["kind"] not in ROLLBACK_KINDS else "  (can no longer be rolled back: pruned)"
            print(
                f"{h['load_id']:>4}  {h['loaded_at']}  {h['kind']:<11} {_who(h['loaded_by'], h['loaded_by_account']):<24} "
                f"{escaped(h['file_name'])}  [{h['sheets'] or ''}]{gone}"
            )
    return 0


def _rollback(args, store: Store) -> int:
    new_id = rollback(store, args.load_id, args.user)
    print(f"load {new_id}: the store is back to its state before load {args.load_id}")
    return 0


def _export(args, store: Store) -> int:
    from alliance.workbook import export

    con = store.ensure().connect()
    try:
        counts = export(con, args.out)
    finally:
        con.close()
    print(f"wrote {escaped(args.out)}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def _template(args, store: Store) -> int:
    from alliance.workbook import template

    con = store.ensure().connect()
    try:
        template(con, args.out)
    finally:
        con.close()
    print(f"wrote {escaped(args.out)}")
    return 0


def _report(args, store: Store) -> int:
    from pathlib import Path

    from alliance.report import build

    edition = None
    if args.edition:
        if args.as_of or args.period_start:
            print("--edition gives the period: leave out --from and --as-of.", file=sys.stderr)
            return 2
        con = store.ensure().connect()
        try:
            edition = editions.get(con, args.edition)
        finally:
            con.close()
        period_start, as_of = editions.period(edition)
        integrity.ensure_edition(store.snapshots, edition)  # a changed state: no report under its name
        con = duckdb.connect(str(readable(store.snapshot_path(edition["snapshot"]))), read_only=True)
    else:
        if not args.as_of:
            print("Give --as-of DATE, or --edition NAME.", file=sys.stderr)
            return 2
        period_start, as_of = args.period_start or LAUNCH, args.as_of
        if period_start > as_of:
            print(f"--from {period_start.isoformat()} is after --as-of {as_of.isoformat()}.", file=sys.stderr)
            return 2
        con = store.ensure().connect()
    try:
        with i18n.speaking(args.lang):
            build(
                con,
                Path(args.out),
                as_of,
                period_start,
                args.region,
                Path(args.annex) if args.annex else None,
                images=not args.no_images,
                edition=edition,
                language=args.lang,
            )
    finally:
        con.close()
    print(f"wrote {escaped(args.out)}" + (f" (edition {escaped(edition['name'])}, {edition['status']})" if edition else ""))
    return 0


def _remove_demo(args, store: Store) -> int:
    new_id = remove_demo(store, args.user)
    print(f"load {new_id}: demo rows removed")
    return 0


def _publish(args, store: Store) -> int:
    if args.period_start and args.period_start > args.as_of:
        print(f"--from {args.period_start.isoformat()} is after --as-of {args.as_of.isoformat()}.", file=sys.stderr)
        return 2
    edition = editions.publish(store, args.name, args.as_of, args.period_start, args.note, args.user)
    _warn_demo(store, edition)
    print(
        f"edition {escaped(edition['name'])} prepared by {_who(edition['prepared_by'], edition['prepared_by_account'])}: "
        f"a draft of the data as at {edition['prepared_at']}; another person approves it with "
        f"`python -m alliance approve '{escaped(edition['name'])}'`"
    )
    return 0


def _approve(args, store: Store) -> int:
    edition = editions.approve(store, args.name, args.user)
    _warn_demo(store, edition)
    # A link only from the configured public address: one guessed here (localhost) would not open elsewhere.
    link = editions.permalink(edition["name"])
    where = f": {link}" if "://" in link else " (set ALLIANCE_PUBLIC_URL to the dashboard's public address to print its link)"
    print(f"edition {escaped(edition['name'])} approved by {_who(edition['approved_by'], edition['approved_by_account'])}{where}")
    return 0


def _editions(args, store: Store) -> int:
    con = store.ensure().connect()
    try:
        found = editions.editions(con)
    finally:
        con.close()
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        for e in found:
            approved = (
                f"approved by {_who(e['approved_by'], e['approved_by_account'])} at {e['approved_at']}"
                if e["approved_by"]
                else "not approved"
            )
            print(
                f"{escaped(e['name']):<20} {e['status']:<9} {e['from'] or 'no start'} to {e['as_of']}  "
                f"prepared by {_who(e['prepared_by'], e['prepared_by_account'])} at {e['prepared_at']}, {approved}"
            )
    return 0


def _revisions(args, store: Store) -> int:
    store.ensure()
    found = editions.revisions(store, args.name, args.region)
    if args.json:
        print(json.dumps(found, indent=2))
    elif not found:
        print(f"The data as it is now gives every figure of {escaped(args.name)} as the edition does.")
    else:
        for r in found:
            loads = (
                ", ".join(
                    f"load {x['load_id']} ({escaped(x['file_name'])}){' probably' if x.get('found_by') else ''}"
                    for x in r["loads"]
                )
                or "load not found"
            )
            old, new = (words.count(r[k]) for k in ("edition", "now"))  # None: not recorded
            change = "" if r["change"] is None else f"{r['change']:+,}"
            print(f"{r['kpi']:<40} edition {old:>12}  now {new:>12}  {change:>8}  {loads}")
    return 0


def _prune(args, store: Store) -> int:
    result = editions.prune(store, args.keep_days, args.user)
    for done in result["finished"]:
        print(f"load {done['load_id']}: a prune interrupted before finished: {len(done['deleted'])} stored states deleted")
    if not result["deleted"]:
        if not result["finished"]:
            print("nothing to prune: every stored state is newer, the newest, or an edition's")
    elif result["recorded"]:
        print(f"load {result['load_id']}: deleted {len(result['deleted'])} stored states, freeing {_mb(result['freed_bytes'])}")
    else:
        print(f"deleted {len(result['deleted'])} stored states, freeing {_mb(result['freed_bytes'])}")
    if not result["recorded"]:
        print(f"Not in the history yet: {result['error']}. The next prune or history listing records it.", file=sys.stderr)
    if result["unrollbackable"]:
        print("loads that can no longer be rolled back: " + ", ".join(map(str, result["unrollbackable"])))
    return 0


def _backup(args, store: Store) -> int:
    from alliance.backup import backup

    manifest = backup(store, args.out, only_needed=args.only_needed)
    states = sum(1 for f in manifest["files"] if f["name"].endswith(".duckdb"))
    print(
        f"wrote {args.out}: {words.count_of(states, 'stored state')} (current {manifest['current']}), "
        f"{words.count_of(len(manifest['editions']), 'edition')}, every checksum matching"
    )
    return 0


def _restore(args, store: Store) -> int:
    from alliance.backup import restore

    if not args.db:
        print("Give --db PATH: where the new store goes (restore never overwrites a store).", file=sys.stderr)
        return 2
    manifest = restore(args.file, store)
    states = sum(1 for f in manifest["files"] if f["name"].endswith(".duckdb"))
    print(
        f"restored {escaped(store.path)} from the backup of {manifest['made_at']}: {words.count_of(states, 'stored state')}, "
        f"{words.count_of(len(manifest['editions']), 'edition')}, every checksum matching"
    )
    return 0


def _verify(args, store: Store) -> int:
    """Check every kept state and edition; print each problem on standard error and exit 1, else a summary."""
    store.current()  # no store: says so
    results = integrity.verify(store)
    if args.json:
        print(json.dumps(results, indent=2))
    problems = [r for r in results if integrity.failed(r)]
    for r in results:
        if r["verdict"] != integrity.OK:
            print(integrity.describe(r), file=sys.stderr if integrity.failed(r) else sys.stdout)
    states = sum(1 for r in results if r["kind"] == "state")
    kept = f"{words.count_of(states, 'stored state')} and {words.count_of(len(results) - states, 'edition')}"
    if problems:
        print(f"{words.count_of(len(problems), 'problem')} in {kept}: see above.", file=sys.stderr)
        return 1
    unrecorded = sum(1 for r in results if r["verdict"] == integrity.UNRECORDED)
    if not args.json:
        print(
            f"{kept}: all match their checksums" + (f" ({unrecorded} not recorded: made before checksums)" if unrecorded else "")
        )
    return 0


def _warn_demo(store: Store, edition: dict) -> None:
    """Say on standard error when an edition's data hold demo rows (generated, not real)."""
    from alliance.queries import rows

    con = duckdb.connect(str(readable(store.snapshot_path(edition["snapshot"]))), read_only=True)
    try:
        demo = rows(con, "demo_rows")[0]["demo_rows"]
    finally:
        con.close()
    if demo:
        print(
            f"Warning: the data of edition {escaped(edition['name'])} hold {words.count(demo)} demo rows (generated, not real): its figures "
            "are illustrative. Remove the demo rows (remove-demo) and prepare another edition for TDAG.",
            file=sys.stderr,
        )


def _finish_prunes(store: Store) -> None:
    """Finish and record a prune a kill or a full disk interrupted, so that the history says what it did."""
    from alliance import retention

    try:
        result = retention.finish(store)
    except (AllianceError, OSError, duckdb.Error) as error:
        print(f"A prune interrupted before could not be finished now: {escaped(error)}", file=sys.stderr)
        return
    if not result["recorded"]:
        print(f"A prune interrupted before is not in the history yet: {result['error']}.", file=sys.stderr)


def _who(user, account) -> str:
    """Who acted as the command line prints it: the user named and, beside it, the operating-system account."""
    return f"{escaped(user)} (OS account {escaped(account) if account else words.NOT_RECORDED})"


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def _counts_line(sheets: dict) -> str:
    return (
        "; ".join(
            f"{t}: {c['inserted']} new, {c['updated']} updated, {c['removed']} removed, {c['unchanged']} unchanged"
            for t, c in sheets.items()
        )
        or "no rows"
    )
