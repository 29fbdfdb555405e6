from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from banso.orgs.loader import load_master


class Command(BaseCommand):
    help = "Load or refresh prefectures and municipalities from the bundled public master data (idempotent)."

    def handle(self, *args: str, **options: Any) -> None:
        counts = load_master()
        self.stdout.write(
            _("Loaded %(prefectures)s prefectures; municipalities: %(created)s new, %(updated)s refreshed.")
            % counts
        )
