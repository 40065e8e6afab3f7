from django.apps import AppConfig


class HccConfig(AppConfig):
    name = "hcc"
    verbose_name = "HCC"

    def ready(self):
        from hcc import bench, checks, client_ip  # noqa: F401  (register their deployment checks)
