from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.second_factor import current_code


class Command(BaseCommand):
    help = "Print the current security code for a demo user (synthetic installations only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError("demo_code only runs in a synthetic demo (TESSERA_DEMO=true)")
        device = TOTPDevice.objects.filter(user__username=options["username"], confirmed=True).first()
        if device is None:
            raise CommandError(f"No authenticator set up for {options['username']!r}")
        self.stdout.write(current_code(device))
