"""`python grader.py cleanup`: show what a learner left behind, what it costs, and delete it.

  python grader.py cleanup [--learner ID] [--backend local|aws] [--region R] [--yes]

It looks in every course region (or the one given), lists the learner's leftovers with
course/leftovers.py (the inventory module6 checks), asks before deleting (or `--yes`), deletes
in a safe order, and says what it deleted, what it could not and what it skipped. It never
touches what is not the learner's: on the embedded backend that is the learner's own emulated
account; on AWS, only names that carry the learner id.

Exit codes: 0 nothing left (or all deleted), 1 leftovers kept (the learner said no),
2 bad input, 3 a deletion failed or the backend did not answer.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys

import botocore.exceptions
from rich.table import Table
from rich.text import Text

from . import backend as backends
from . import learners, leftovers, workspace
from .backend.account import Clients
from .errors import EXIT_FAILED, EXIT_INFRASTRUCTURE, InfrastructureError
from .regions import SUPPORTED_REGIONS
from .report import console


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="grader.py cleanup",
        description="Show what you left in your account, what it costs, and delete it (after asking).")
    parser.add_argument("--learner", help="your learner id (default: GRADER_LEARNER or your login)")
    parser.add_argument("--backend", default=os.environ.get("GRADER_BACKEND", "local"), choices=backends.BACKENDS,
                        help="the embedded backend that runs now (default) or a real AWS account")
    parser.add_argument("--region", choices=SUPPORTED_REGIONS,
                        help="look in this region only (default: every region of the course)")
    parser.add_argument("--yes", action="store_true", help="delete without asking")
    return parser.parse_args(argv)


def _account(backend: str, learner: str, region: str):
    chosen = backends.resolve(backend, workspace.backend_state_file())
    if chosen.running() is None:
        return None
    try:
        return chosen.account_for(learner, region, need_role=False)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise InfrastructureError(f"The {backend} backend did not answer: {exc}.", "Try again.") from None


def find(account, learner: str, regions: tuple[str, ...], whole_account: bool):
    """(leftovers in every region, names seen that are not the learner's)."""
    scope = leftovers.Scope(learner, whole_account=whole_account)
    found = []
    for index, region in enumerate(regions):
        clients = Clients(dataclasses.replace(account, region=region))
        try:
            found += leftovers.inventory(clients, scope, region=region, include_buckets=index == 0)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise InfrastructureError(f"Listing your resources in {region} failed: {exc}.",
                                      "Check the backend (or your AWS credentials) and try again.") from None
    return found, sorted(set(scope.skipped))


def _table(found) -> Table:
    table = Table(show_lines=False)
    for column in ("What", "Name", "Where"):
        table.add_column(column, no_wrap=True)
    for column in ("State", "Cost"):
        table.add_column(column, overflow="fold")
    for item in found:
        table.add_row(item.kind, item.name, item.region, item.state, item.cost)
    return table


def _confirm(count: int) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        answer = input(f"Delete these {count} resources? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def delete_all(account, found, out) -> list[tuple[leftovers.Leftover, str]]:
    """Delete each leftover in order; returns (leftover, why) for those that could not be deleted."""
    failed = []
    clients_by_region: dict[str, Clients] = {}
    for item in found:
        region = item.region or account.region
        if region not in clients_by_region:
            clients_by_region[region] = Clients(dataclasses.replace(account, region=region))
        with out.status(f"Deleting {item.kind} {item.name} ..."):
            try:
                leftovers.delete(clients_by_region[region], item)
            except botocore.exceptions.ClientError as exc:
                if not leftovers.gone(exc):
                    failed.append((item, exc.response.get("Error", {}).get("Message", str(exc))))
                    out.print(Text(f"✘ {item.kind} {item.name}: {failed[-1][1]}", style="red"), soft_wrap=True)
                    continue
            except (botocore.exceptions.BotoCoreError, TimeoutError) as exc:
                failed.append((item, str(exc)))
                out.print(Text(f"✘ {item.kind} {item.name}: {exc}", style="red"), soft_wrap=True)
                continue
        out.print(f"✔ deleted {item.kind} {item.name}", soft_wrap=True)
    return failed


def main(argv: list[str]) -> int:
    args = _parse(argv)
    learner = learners.validate(args.learner or learners.default_learner())
    regions = (args.region,) if args.region else SUPPORTED_REGIONS
    out = console()
    account = _account(args.backend, learner, regions[0])
    if account is None:
        out.print("No embedded backend runs, so nothing of yours is left: what you create lives as long as the "
                  "backend that holds it (`python grader.py backend` or `python grader.py lab`).", soft_wrap=True)
        return 0
    whole_account = args.backend == "local"
    where = f"{learner}'s emulated account {account.account_id}" if whole_account else f"account {account.account_id}"
    with out.status(f"Looking for what {learner} left in {', '.join(regions)} ..."):
        found, skipped = find(account, learner, regions, whole_account)
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        out.print(f"Skipped {len(skipped)} resources that are not yours (their names do not carry {learner!r}): "
                  f"{shown}.", soft_wrap=True)
    if not found:
        out.print(f"Nothing of yours is left in {where} ({', '.join(regions)}).", soft_wrap=True)
        return 0
    out.print(_table(found))
    total = leftovers.hourly_total(found)
    out.print(f"{len(found)} resources of yours in {where}; together about ${total:.2f} per hour "
              f"(${total * 24:.2f} per day) on AWS.", soft_wrap=True)
    if not args.yes and not _confirm(len(found)):
        out.print("Nothing deleted. Run `python grader.py cleanup --yes` to delete them without asking, or delete "
                  "them yourself: " + "; ".join(" && ".join(i.commands) for i in found[:3])
                  + ("; ..." if len(found) > 3 else ""), soft_wrap=True)
        return EXIT_FAILED
    failed = delete_all(account, found, out)
    if failed:
        out.print(Text(f"{len(failed)} of {len(found)} could not be deleted: "
                       + "; ".join(f"{i.kind} {i.name} ({why})" for i, why in failed)
                       + ". Run `python grader.py cleanup` again in a minute.", style="red"), soft_wrap=True)
        return EXIT_INFRASTRUCTURE
    out.print(f"Deleted all {len(found)}: nothing of yours is left billing.", soft_wrap=True)
    return 0

