from django.apps import AppConfig


class HccConfig(AppConfig):
    name = "hcc"
    verbose_name = "HCC"
