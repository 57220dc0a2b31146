from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Osez core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from core import checks, pagecache  # noqa: F401  (checks: registers the deployment checks)
        from core.live import close_sockets_on_logout

        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="core.live.logout")
        pagecache.install()
