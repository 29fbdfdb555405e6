from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.orgs.loader import load_master


class Command(BansoCommand):
    help = gettext_lazy(
        "Load or refresh prefectures and municipalities from the bundled public master data (idempotent)."
    )

    def handle(self, *args: str, **options: Any) -> None:
        counts = load_master()
        self.stdout.write(
            _("Loaded %(prefectures)s prefectures; municipalities: %(created)s new, %(updated)s refreshed.")
            % counts
        )
