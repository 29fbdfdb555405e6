from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core import backup
from banso.core.commands import BansoCommand


class Command(BansoCommand):
    help = gettext_lazy(
        "Back up the database and the uploaded files into a new folder under FOLDER, with a manifest of what is in "
        "it. Safe while Banso runs; run it every night (cron, a systemd timer or Windows' Task Scheduler)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="where backups are kept (another disk or machine)")

    def handle(self, *args: str, folder: str, **options: Any) -> None:
        try:
            written = backup.backup(Path(folder))
        except (backup.BackupError, OSError) as err:
            raise CommandError(str(err)) from err
        manifest = backup.read_manifest(written)
        self.stdout.write(
            _("Backed up to %(folder)s: %(rows)s rows in %(tables)s tables, %(files)s uploaded files.")
            % {
                "folder": written,
                "rows": sum(manifest["rows"].values()),
                "tables": len(manifest["rows"]),
                "files": manifest["media_files"],
            }
        )
