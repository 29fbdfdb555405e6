from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.cases import seeds
from banso.core.audit import acting_as
from banso.core.commands import BansoCommand


class Command(BansoCommand):
    help = gettext_lazy(
        "Load the seed cases (or a file in the same TOML format) as published cases, and rebuild the index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="TOML file (default: the cases written from the seed documents)")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else seeds.SEED_FILE
        try:
            with acting_as(None, label="banso cases load"):
                counts = seeds.load(path)
        except ValidationError as err:
            raise CommandError("\n".join(err.messages)) from err
        self.stdout.write(
            _("Loaded %(cases)s cases (%(created)s new); the search index holds %(postings)s postings.") % counts
        )
