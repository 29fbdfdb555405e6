import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand


class Command(BansoCommand):
    help = gettext_lazy("Serve Banso with waitress (a production WSGI server that also runs on Windows).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: str, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        # Collect before the app loads: whitenoise indexes the files once, at start-up.
        call_command("collectstatic", interactive=False, verbosity=0)
        from banso.wsgi import application

        self.stdout.write(
            _("Banso is running on http://%(host)s:%(port)s/ (stop with Ctrl+C)") % {"host": host, "port": port}
        )
        self.stdout.flush()
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="Banso",
            max_request_body_size=settings.BANSO_MAX_UPLOAD_BYTES + 1024 * 1024,
        )
