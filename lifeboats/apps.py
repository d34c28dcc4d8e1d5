from django.apps import AppConfig


class LifeboatsConfig(AppConfig):
    name = "lifeboats"
    verbose_name = "Lifeboats"
