from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "banso.cases"
    label = "cases"
