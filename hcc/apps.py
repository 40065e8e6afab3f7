from django.apps import AppConfig


class HccConfig(AppConfig):
    name = "hcc"
    verbose_name = "HCC"

    def ready(self):
        from hcc import bench  # noqa: F401  (registers its deployment check)
