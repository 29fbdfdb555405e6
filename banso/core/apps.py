from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banso.core"
    label = "core"

    def ready(self) -> None:
        from banso.core.audit import connect_audited_models

        connect_audited_models()
