from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web"

    def ready(self):
        from web import bench, client_ip  # noqa: F401  (register their deployment checks)
