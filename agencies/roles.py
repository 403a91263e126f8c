"""The two editorial roles, as groups kept in step with the models after every `migrate`.

Editors add and change records; what they write starts as a draft. Publishers may also publish,
unpublish and delete. Make someone either with the `grant_role` command or in admin."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
PUBLISHERS = "Publishers"

EDITOR_ACTIONS = ("add", "change", "view")
PUBLISHER_ACTIONS = (*EDITOR_ACTIONS, "delete", "publish")


def role_permissions(actions: tuple[str, ...]) -> list[Permission]:
    app = apps.get_app_config("agencies")
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in app.get_models()
        if not model._meta.model_name.startswith("historical")  # history comes with the record
        for action in actions
        if action in model._meta.default_permissions
    ]
    return list(
        Permission.objects.filter(content_type__app_label="agencies", codename__in=codenames)
    )


def ensure_roles(**kwargs) -> None:
    """Create or update the Editors and Publishers groups (a post_migrate receiver)."""
    create_permissions(apps.get_app_config("agencies"), verbosity=0)
    for name, actions in ((EDITORS, EDITOR_ACTIONS), (PUBLISHERS, PUBLISHER_ACTIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(role_permissions(actions))
