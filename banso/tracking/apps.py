from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "banso.tracking"
    label = "tracking"

    def ready(self):
        from banso.core import panels
        from banso.tracking.panels import home_panel

        panels.register(home_panel)
