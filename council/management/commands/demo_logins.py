from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q

from council.demo import DEMO_PASSWORD
from council.visibility import Role


class Command(BaseCommand):
    help = "Print the demo city's sign-in accounts."

    def handle(self, *args, **options):
        users = (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__name__in=Role.values))
            .prefetch_related("groups")
            .distinct()
        )
        rows = [
            (", ".join(g.name for g in user.groups.all()) or "Superuser", user)
            for user in users
        ]
        # Officers first, then the members, each alphabetically.
        rows.sort(
            key=lambda row: (
                row[0] != "Superuser",
                row[0] == Role.MEMBER,
                row[0],
                row[1].username,
            )
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for roles, user in rows:
            self.stdout.write(
                f"  {user.username:<12} {roles:<16} {user.get_full_name()}"
            )
        self.stdout.write("")
