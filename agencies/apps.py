from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Facial recognition record"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals
        from .roles import ensure_roles

        signals.connect()
        post_migrate.connect(ensure_roles, sender=self)


class TrackerAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that signs in with a password and an authenticator code."""

    default = False
    default_site = "agencies.sign_in.TrackerAdminSite"

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessFailureLog

        # Written only with AXES_ENABLE_ACCESS_FAILURE_LOG, which is off: no empty page in admin.
        self.module.site.unregister(AccessFailureLog)
