from __future__ import annotations

import getpass
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from huzhu.people.models import User


class Command(BaseCommand):
    help = "Create a superuser (administrator of everything)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email")
        parser.add_argument("--password")

    def handle(self, *args: Any, email: str | None, password: str | None, **options: Any) -> None:
        email = email or input("Email: ").strip()
        password = password or getpass.getpass("Password: ")
        if not email or not password:
            raise CommandError("email and password are required")
        if User.objects.filter(email=email).exists():
            raise CommandError(f"{email} exists already")
        with transaction.atomic():
            user = User.objects.create_superuser(email=email, password=password)
            # the administrator gave this address themselves: it counts as verified for allauth's login
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.stdout.write(self.style.SUCCESS(f"superuser {email} created"))
