import os
import threading
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.management.commands.db_worker import Worker

from banso.core import jobs
from banso.core.commands import BansoCommand


class Command(BansoCommand):
    help = gettext_lazy(
        "Run background jobs (imports, analyses, exports) until stopped. `banso serve` starts one on a single "
        "machine; a server with several web processes runs one or more of these beside them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks for new jobs")
        parser.add_argument("--max-jobs", type=int, default=None, help="stop after this many jobs (tests)")
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="stop when the process that started it ends (banso serve)",
        )

    def handle(
        self, *args: str, interval: float, max_jobs: int | None, exit_with_parent: bool, **options: Any
    ) -> None:
        jobs.wait_for_database()
        worker = jobs.worker_id()
        jobs.beat(worker)
        jobs.recover_abandoned()  # jobs a worker killed before this one left running
        jobs.start_chores()
        stop = threading.Event()
        parent = os.getppid() if exit_with_parent else None
        companion = threading.Thread(target=jobs.keep_beating, args=(worker, stop, parent), daemon=True)
        companion.start()
        self.stdout.write(_("Banso worker %(worker)s is waiting for jobs (stop with Ctrl+C)") % {"worker": worker})
        self.stdout.flush()
        runner = Worker(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_jobs,
            worker_id=worker,
            excluded_queue_names=[],
        )
        runner.configure_signals()
        try:
            runner.run()
        finally:
            stop.set()
