import os
import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies.roles import EDITORS, PUBLISHERS

ROLES = {"editor": EDITORS, "publisher": PUBLISHERS}
PASSWORD_VARIABLE = "TRACKER_PASSWORD"


class Command(BaseCommand):
    help = (
        "Make a user an editor or a publisher: staff, and a member of that group. With --create, "
        f"make the user first (the password is asked for, or read from ${PASSWORD_VARIABLE})."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument(
            "--create", action="store_true", help="Create the user if there is none yet."
        )

    def handle(self, *args, username: str, role: str, create: bool, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None and not create:
            raise CommandError(
                f'No user "{username}". Run again with --create to make one, '
                f"e.g. manage.py grant_role {username} {role} --create"
            )
        if user is None:
            user = User(**{User.USERNAME_FIELD: username})
            password = self.password(user)
            user.set_password(password)
            user.save()
            self.stdout.write(f'Created the user "{username}".')
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(
            self.style.SUCCESS(f"{username} is now {'an' if role == 'editor' else 'a'} {role}.")
        )

    def password(self, user) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not self.stdin_is_interactive():
                raise CommandError(
                    f"No terminal to ask for a password: set {PASSWORD_VARIABLE} instead."
                )
            password = getpass("Password: ")
            if password != getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password

    @staticmethod
    def stdin_is_interactive() -> bool:
        return sys.stdin is not None and sys.stdin.isatty()
