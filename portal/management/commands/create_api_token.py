"""`python manage.py create_api_token USERNAME [--name NAME]`: print a new API token."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.models import User
from portal.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print its secret alone on stdout. "
        "The secret is shown only this once; use it as 'Authorization: Bearer <secret>'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as.")
        parser.add_argument(
            "--name", default="command line", help="What the token is for (default: %(default)s)."
        )

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No user {username!r}. Check the spelling, or create the account first "
                "(python manage.py createsuperuser, or the organisation sign-up page)."
            )
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive: a token would not work.")
        _token, secret = api_token_create(user, name=name)
        self.stdout.write(secret)
