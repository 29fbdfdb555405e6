from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "banso.survey"
    label = "survey"

    def ready(self):
        from banso.core import notifications, panels
        from banso.survey.notifications import survey_notifications
        from banso.survey.panels import home_panel

        panels.register(home_panel)
        notifications.register(survey_notifications)
