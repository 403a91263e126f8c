from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from agencies.roles import EDITORS, PUBLISHERS

ROLES = {"editor": EDITORS, "publisher": PUBLISHERS}


class Command(BaseCommand):
    help = "Make a user an editor or a publisher: staff, and a member of that group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))

    def handle(self, *args, username: str, role: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f'No user "{username}". Create one first: manage.py createsuperuser, '
                "or in admin under Users."
            ) from None
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(self.style.SUCCESS(f"{username} is now a {role}."))
