import gc
import ipaddress
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand

try:
    import fcntl
except ImportError:  # Windows: one waitress process, nothing to wait for
    fcntl = None  # type: ignore[assignment]

# gunicorn forks worker processes, which Windows does not have: there waitress serves with threads in one process.
FORKING = sys.platform != "win32"


class Command(BansoCommand):
    help = gettext_lazy(
        "Serve Banso: several worker processes with gunicorn on Linux and macOS, waitress (threads in one process) "
        "on Windows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="web processes (gunicorn); default BANSO_WEB_WORKERS, else 2 on SQLite, 2 × CPUs + 1 (at most 8)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="threads per process; default BANSO_WEB_THREADS, or 4 (gunicorn) / 8 (waitress)",
        )
        parser.add_argument(
            "--server",
            choices=["gunicorn", "waitress"],
            default=os.environ.get("BANSO_WEB_SERVER", "gunicorn" if FORKING else "waitress"),
        )

    def handle(
        self,
        *args: str,
        host: str,
        port: int,
        workers: int | None,
        threads: int | None,
        server: str,
        **options: Any,
    ) -> None:
        # Read here rather than as argparse defaults, so a wrong value is a message and not a traceback.
        workers = workers or _whole_number_from_env("BANSO_WEB_WORKERS") or _default_workers()
        threads = threads or _whole_number_from_env("BANSO_WEB_THREADS") or (4 if FORKING else 8)
        if server == "gunicorn" and not FORKING:
            raise CommandError(_("gunicorn does not run on Windows; use --server waitress."))
        if settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not _is_loopback(host):
            # Anyone can read the demo key in Banso's source and forge a session cookie with it.
            raise CommandError(
                _(
                    "Banso is not served on %(host)s with the demo's secret key, which is public: anyone could "
                    "forge a sign-in with it. Set BANSO_SECRET_KEY to a long random value (for example the output "
                    'of: python -c "import secrets; print(secrets.token_urlsafe(50))"), or serve on 127.0.0.1.'
                )
                % {"host": host}
            )
        application = _collect_static_and_load()

        # What is loaded by now (Django, the URL map, compiled templates) lives as long as the process. Frozen, the
        # collector's full passes no longer walk it (a dashboard's p95 was twice its median from those pauses), and
        # the web processes forked from here keep sharing its memory pages.
        gc.collect()
        gc.freeze()
        self.stdout.write(
            _("Banso is running on http://%(host)s:%(port)s/ (stop with Ctrl+C)") % {"host": host, "port": port}
        )
        self.stdout.flush()
        worker = _start_worker()
        try:
            if server == "gunicorn":
                _serve_with_gunicorn(application, host, port, workers, threads)
                return
            from waitress import serve

            serve(
                application,
                host=host,
                port=port,
                threads=threads,
                ident="Banso",
                max_request_body_size=settings.BANSO_MAX_UPLOAD_BYTES + 1024 * 1024,
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=60)


def _collect_static_and_load() -> Any:
    """collectstatic, then the app, one `banso serve` at a time.

    Whitenoise indexes the collected files once, as the app loads (in every process). Two `banso serve` started
    together on one data folder (several web processes of one machine) would otherwise hash and compress the same
    files under each other's feet, or one would index the folder while the other rewrote it (a temporary file
    listed and gone a moment later stopped a process at start). So the second waits for the first to have
    loaded, and collects nothing when the sources have not changed since the last collection.
    """
    data_dir = Path(settings.STATIC_ROOT).parent
    data_dir.mkdir(parents=True, exist_ok=True)
    sources_path = data_dir / ".collectstatic.sources"
    with (data_dir / ".collectstatic.lock").open("w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        sources = _static_sources()
        collected = sources_path.read_text(encoding="utf-8") if sources_path.exists() else ""
        if sources != collected or not Path(settings.STATIC_ROOT).is_dir():
            call_command("collectstatic", interactive=False, verbosity=0)
            sources_path.write_text(sources, encoding="utf-8")
        from banso.wsgi import application

        return application


def _static_sources() -> str:
    """What collectstatic would read: every source file's path, size and time, and the storage that writes them."""
    from django.contrib.staticfiles.finders import get_finders

    lines = [settings.STORAGES["staticfiles"]["BACKEND"]]
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            lines.append(f"{path}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return "\n".join(sorted(lines))


def _start_worker() -> subprocess.Popen[bytes] | None:
    """On a single machine `banso serve` also runs the jobs: one `banso worker` beside the web processes, which
    ends with them. A server that runs its workers on their own sets BANSO_WORKER=0."""
    if settings.JOBS != "database" or os.environ.get("BANSO_WORKER", "1") != "1":
        return None
    return subprocess.Popen([sys.executable, "-m", "banso", "worker", "--exit-with-parent"])


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _whole_number_from_env(name: str) -> int:
    """A positive whole number from the environment, 0 when unset; a clear refusal rather than a traceback."""
    text = os.environ.get(name, "").strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) == 0:
        raise CommandError(
            _("%(name)s must be a whole number of 1 or more (it is “%(value)s”).") % {"name": name, "value": text}
        )
    return int(text)


def _default_workers() -> int:
    """Two on one PC's SQLite (enough for a town's office, light on memory); on a server database, gunicorn's
    usual 2 × CPUs + 1, at most 8."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return 2
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _serve_with_gunicorn(application: Any, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Banso(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
        def load_config(self) -> None:
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                # A PDF of a whole plan or a 50,000-row export takes seconds, not minutes.
                "timeout": 120,
                "graceful_timeout": 30,
                "proc_name": "banso",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": os.environ.get("BANSO_LOG_LEVEL", "warning").lower(),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Banso().run()
