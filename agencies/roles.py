"""The two editorial roles, as groups kept in step with the models after every `migrate`.

Editors add and change records; what they write starts as a draft. Publishers may also publish,
unpublish and delete, and look after signing in: unlock a locked-out name or address (delete its
access attempt in admin) and remove a lost authenticator. Make someone either with the
`grant_role` command or in admin."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
PUBLISHERS = "Publishers"

EDITOR_ACTIONS = ("add", "change", "view")
PUBLISHER_ACTIONS = (*EDITOR_ACTIONS, "delete", "publish")
# Beyond the record: the sign-in tables of django-axes and django-otp, by app label.
PUBLISHER_SIGN_IN_PERMISSIONS = {
    "axes": ("view_accessattempt", "delete_accessattempt", "view_accesslog"),
    "otp_totp": ("view_totpdevice", "delete_totpdevice"),
}


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


def sign_in_permissions() -> list[Permission]:
    wanted = Q(pk__in=[])
    for label, codenames in PUBLISHER_SIGN_IN_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=label, codename__in=codenames)
    return list(Permission.objects.filter(wanted))


def ensure_roles(**kwargs) -> None:
    """Create or update the Editors and Publishers groups (a post_migrate receiver)."""
    # Their apps' own post_migrate may come after ours: make the permissions first.
    for label in ("agencies", *PUBLISHER_SIGN_IN_PERMISSIONS):
        create_permissions(apps.get_app_config(label), verbosity=0)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(role_permissions(EDITOR_ACTIONS))
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.set(role_permissions(PUBLISHER_ACTIONS) + sign_in_permissions())


def is_publisher(user) -> bool:
    """Whether the user may publish: a superuser, or a member of the Publishers group."""
    return user.is_superuser or user.groups.filter(name=PUBLISHERS).exists()
