from django.apps import AppConfig


class HccConfig(AppConfig):
    name = "hcc"
    verbose_name = "HCC"

    def ready(self):
        from hcc import checks  # noqa: F401  (registers the deployment checks of the settings)
