from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Facial recognition record"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the status receivers)
