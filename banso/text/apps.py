from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "banso.text"
    label = "text"
