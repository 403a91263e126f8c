from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Facial recognition record"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals
        from .roles import ensure_roles

        signals.connect()
        post_migrate.connect(ensure_roles, sender=self)
