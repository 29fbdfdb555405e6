from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core import backup
from banso.core.commands import BansoCommand


class Command(BansoCommand):
    help = gettext_lazy(
        "Restore a backup written by `backup` in place of the current data, then check every table against the "
        "backup's manifest. Stop the web server and the workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="one backup folder (banso-YYYYMMDD-HHMMSS)")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current data is to be replaced by the backup"
        )

    def handle(self, *args: str, folder: str, yes: bool, **options: Any) -> None:
        try:
            manifest = backup.read_manifest(Path(folder))
        except (backup.BackupError, OSError) as err:
            raise CommandError(str(err)) from err
        if not yes:
            raise CommandError(
                _(
                    "This replaces all current data with the backup of %(created)s. Stop the web server and the "
                    "workers, then run the command again with --yes."
                )
                % {"created": manifest["created"]}
            )
        try:
            restored = backup.restore(Path(folder))
        except (backup.BackupError, OSError) as err:
            raise CommandError(str(err)) from err
        for table, (expected, found) in restored.differences.items():
            self.stderr.write(
                _("%(table)s: %(expected)s rows in the backup, %(found)s after the restore")
                % {"table": table, "expected": expected, "found": found}
            )
        if restored.differences:
            raise CommandError(_("The restore does not match the backup's manifest (see above)."))
        self.stdout.write(
            _("Restored %(folder)s: every table has the rows of the backup (%(rows)s), %(files)s uploaded files.")
            % {"folder": restored.folder, "rows": sum(restored.rows.values()), "files": restored.media_files}
        )
