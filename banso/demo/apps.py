from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "banso.demo"
    label = "demo"
