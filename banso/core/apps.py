from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banso.core"
    label = "core"

    def ready(self):
        from banso.core import audit  # noqa: F401  (connects the audit signal receivers)
