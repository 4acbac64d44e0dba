"""`manage.py check_fixity [--all] [--limit N]`: re-hash stored records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from records.fixity import run_fixity_check


class Command(BaseCommand):
    help = (
        "Re-read stored records, compare them with their SHA-256 and look for "
        "files no record refers to. Exits with status 1 when problems are found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Check every record, not only those due (QUORUM_FIXITY_MAX_AGE_DAYS).",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Check at most this many records."
        )

    def handle(self, *args, **options) -> None:
        check = run_fixity_check(
            max_age_days=0 if options["all"] else None, limit=options["limit"]
        )
        self.stdout.write(
            f"Fixity check {check.pk}: {check.records_checked} records in "
            f"{check.blobs_checked} files ({check.bytes_read} bytes) checked, "
            f"{check.ok_count} intact, {check.problem_count} problems."
        )
        for problem in check.problems.all():
            record = f" (record {problem.record_id})" if problem.record_id else ""
            line = f"  {problem.kind:<10} {problem.storage_name}{record}"
            if problem.found_sha256:
                line += f": expected {problem.expected_sha256}, "
                line += f"found {problem.found_sha256}"
            elif problem.detail:
                line += f": {problem.detail}"
            self.stdout.write(line)
        if check.problem_count:
            # A non-zero status lets cron or CI alert on it.
            raise SystemExit(1)
