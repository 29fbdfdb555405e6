from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "banso.hearings"
    label = "hearings"
