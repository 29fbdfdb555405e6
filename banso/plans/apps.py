from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "banso.plans"
    label = "plans"
