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
    if argv and argv[0] == "help" and len(argv) > 1:
        return ["help", *to_management_argv(argv[1:])[:1]]
    if argv and argv[0] == "manage":
        return argv[1:] or ["help"]
    if argv and argv[0] in GROUPS and len(argv) > 1 and not argv[1].startswith("-"):
        return [f"{argv[0]}_{argv[1]}", *argv[2:]]
    return argv


def as_typed(name: str) -> str:
    """The management command `survey_import` as a person types it: `survey import`."""
    group, _sep, rest = name.partition("_")
    return f"{group} {rest}" if group in GROUPS and rest else name


def banso_commands() -> list[tuple[str, str]]:
    """(as typed, first line of its help) for each of Banso's own commands, in alphabetical order."""
    from django.core.management import get_commands, load_command_class

    found = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("banso."):
            summary = str(load_command_class(app, name).help or "").strip().splitlines()[0:1]
            found.append((as_typed(name), summary[0] if summary else ""))
    return found


def print_help() -> None:
    import django
    from django.utils.translation import gettext as _

    django.setup()
    lines = [_("Usage: banso COMMAND [options]   (banso help COMMAND for its options)"), "", _("Commands:")]
    commands = banso_commands()
    width = max(len(typed) for typed, _summary in commands)
    lines += [f"  {typed:<{width}}  {summary}" for typed, summary in commands]
    lines += ["", _("Any other Django management command: banso manage COMMAND (banso manage help lists them).")]
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banso.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args in (["-h"], ["--help"], ["help"]):
        print_help()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["banso", *to_management_argv(args)])
