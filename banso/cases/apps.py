from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save, pre_save


class CasesConfig(AppConfig):
    name = "banso.cases"
    label = "cases"

    def ready(self):
        from banso.cases import services
        from banso.cases.notifications import cases_notifications
        from banso.core import jobs, notifications
        from banso.text import vocabulary

        notifications.register(cases_notifications)

        jobs.register_at_start(services.index_rebuild_if_outdated)
        # A word added in the back office: the cases are cut under it again, in the worker, with nobody asking.
        vocabulary.vocabulary_changed.connect(services.vocabulary_changed, dispatch_uid="cases-index-vocabulary")
        post_delete.connect(services.case_deleted, sender="cases.Case", dispatch_uid="cases-index-delete")
        for label in services.NAMES_INDEXED:
            model = apps.get_model(label)
            pre_save.connect(services.name_before_save, sender=model, dispatch_uid=f"cases-index-{label}-pre")
            post_save.connect(services.name_saved, sender=model, dispatch_uid=f"cases-index-{label}-post")
