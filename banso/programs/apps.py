from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "banso.programs"
    label = "programs"
