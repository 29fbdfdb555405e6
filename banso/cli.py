"""The `banso` console command.

Staff and cron run Banso through one command whose sub-commands mirror the
capabilities (`banso orgs load`, `banso demo`, `banso serve`). Each maps to a
Django management command so that tests can call them with call_command().
`banso manage …` reaches any other management command (migrate, createsuperuser).
"""

import os
import sys

# Two-word sub-commands: "banso orgs load" -> management command "orgs_load".
GROUPS = {"orgs", "survey", "plan", "cases", "report"}


def to_management_argv(argv: list[str]) -> list[str]:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        return ["help"]
    if argv[0] == "manage":
        return argv[1:] or ["help"]
    if argv[0] in GROUPS and len(argv) > 1 and not argv[1].startswith("-"):
        return [f"{argv[0]}_{argv[1]}", *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banso.settings")
    from django.core.management import execute_from_command_line

    args = to_management_argv(list(sys.argv[1:] if argv is None else argv))
    execute_from_command_line(["banso", *args])
