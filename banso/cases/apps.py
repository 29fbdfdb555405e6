from django.apps import AppConfig, apps
from django.db.models.signals import post_save, pre_save


class CasesConfig(AppConfig):
    name = "banso.cases"
    label = "cases"

    def ready(self):
        from banso.cases import services
        from banso.cases.notifications import cases_notifications
        from banso.core import jobs, notifications

        notifications.register(cases_notifications)

        jobs.register_at_start(services.index_rebuild_if_outdated)
        for label in services.NAMES_INDEXED:
            model = apps.get_model(label)
            pre_save.connect(services.name_before_save, sender=model, dispatch_uid=f"cases-index-{label}-pre")
            post_save.connect(services.name_saved, sender=model, dispatch_uid=f"cases-index-{label}-post")
