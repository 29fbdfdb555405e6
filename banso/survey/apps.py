from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "banso.survey"
    label = "survey"

    def ready(self):
        from banso.core import panels
        from banso.survey.panels import home_panel

        panels.register(home_panel)
