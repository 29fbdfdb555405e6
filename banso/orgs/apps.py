from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "banso.orgs"
    label = "orgs"
