from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "banso.public"
    label = "public"
