from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "banso.plans"
    label = "plans"

    def ready(self):
        from banso.core import jobs, panels
        from banso.plans.panels import home_panel
        from banso.plans.services import document_exports_prune_job

        panels.register(home_panel)
        jobs.register_daily(document_exports_prune_job, hour=3)
