"""`oversight api_token create NAME --scope read|write [--person USERNAME]`, `revoke NAME`,
`list`: tokens for the REST API, made and revoked from the command line, audited as the system."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from oversight.api.models import ApiToken, Scope
from oversight.audit.trail import audit


class Command(BaseCommand):
    help = "Create, revoke or list REST API tokens (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token; it is printed once")
        create.add_argument("name", help="which system or person uses it")
        create.add_argument("--scope", choices=[s.value for s in Scope], default=Scope.READ)
        create.add_argument(
            "--person",
            metavar="USERNAME",
            help="act as this person's account (sees what they see); leave out for a system",
        )
        revoke = actions.add_parser("revoke", help="stop a token working")
        revoke.add_argument("name")
        actions.add_parser("list", help="the tokens, without their secrets")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["name"], options["scope"], options["person"])
        elif action == "revoke":
            self._revoke(options["name"])
        else:
            for token in ApiToken.objects.select_related("user"):
                person = token.user.get_username() if token.user else "(system)"
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "in use"
                self.stdout.write(f"{token.name}\t{token.scope}\t{person}\t{state}")

    def _create(self, name: str, scope: str, person: str | None) -> None:
        user = None
        if person:
            user = get_user_model().objects.filter(username=person).first()
            if user is None:
                raise CommandError(f"No account is called '{person}': check the username.")
        if ApiToken.objects.filter(name=name).exists():
            raise CommandError(f"A token called '{name}' exists already: choose another name.")
        with transaction.atomic():
            token, secret = ApiToken.issue(name, scope, user)
            audit(None, "create", token, detail={"via": "command", "scope": scope})
        self.stdout.write(f"Token for '{name}' ({scope}); shown once, copy it now:\n{secret}")

    def _revoke(self, name: str) -> None:
        token = ApiToken.objects.in_use().filter(name=name).first()
        if token is None:
            raise CommandError(f"No token in use is called '{name}'. `api_token list` names them.")
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit(None, "revoke", token, detail={"via": "command"})
        self.stdout.write(f"Revoked '{name}'.")
