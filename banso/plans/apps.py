from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "banso.plans"
    label = "plans"

    def ready(self):
        from banso.core import panels
        from banso.plans.panels import home_panel

        panels.register(home_panel)
