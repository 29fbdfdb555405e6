from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "banso.programs"
    label = "programs"

    def ready(self):
        from banso.core import jobs
        from banso.programs.services import programme_reports_prune_job

        jobs.register_daily(programme_reports_prune_job, hour=3)
