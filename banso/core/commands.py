"""The base of Banso's management commands: their help, written as a translated message, shows in Japanese."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class BansoCommand(BaseCommand):
    help: Any = ""  # a lazy translated message; BaseCommand types it as str

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help) if self.help else None  # argparse needs a str, not a lazy message
        return parser
