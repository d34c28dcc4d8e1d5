"""Create the demo organisations and accounts that `make run` logs you in with."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from flickr.sandbox.data import ARCHIVE_NSID, SandboxWorld
from legal import services as legal
from legal.models import AgreementVersion
from portal import services as portal
from portal.models import FOUNDATION_ADMINS_GROUP, Membership, Organisation, User

DEMO_IP = "127.0.0.1"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    display_name: str
    role: str


ADMIN = DemoAccount("admin", "admin-lifeboat-2026", "Ada Admin", "foundation admin, superuser")
MANAGER = DemoAccount("manager", "manager-lifeboat-2026", "Morgan Reed", "manager of demo-archive")
STAFF = DemoAccount("staff", "staff-lifeboat-2026", "Sam Taylor", "staff of demo-archive")
OTHER = DemoAccount("other", "other-lifeboat-2026", "Olu Park", "manager of other-archive")
PHOTOGRAPHER = DemoAccount(
    "photographer", "photographer-lifeboat-2026", "Pat Lens", "photographer, Flickr account"
)
ACCOUNTS = [ADMIN, MANAGER, STAFF, OTHER, PHOTOGRAPHER]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    country: str
    flickr_accounts: tuple[str, ...]
    signer_title: str


DEMO_ARCHIVE = DemoOrganisation(
    "demo-archive", "Demo Archive", "United Kingdom", (ARCHIVE_NSID,), "Head of Collections"
)
OTHER_ARCHIVE = DemoOrganisation("other-archive", "Other Archive", "Netherlands", (), "Director")


def photographer_nsid() -> str:
    """The first sandbox member who is not the archive, so the demo photographer owns photos
    in the Flickr sandbox that `make run` starts."""
    return SandboxWorld.generate().owners[1].nsid


class Command(BaseCommand):
    help = (
        "Create demo organisations (demo-archive, other-archive) and accounts (admin, manager, "
        "staff, other, photographer) with known passwords. Safe to run again. DEBUG only."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts whose passwords it prints, so it only runs with "
                "DEBUG on. DEBUG is off here: set DEBUG=1 (as `make run` does in .env) on a "
                "development machine, never on a server others can reach."
            )
        if AgreementVersion.objects.current() is None:
            raise CommandError(
                "There is no agreement in effect to sign. Run `python manage.py migrate` "
                "first: it publishes the first agreement version."
            )
        # The demo addresses are fictional: sending the emails would only clutter the console.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            self.seed()
        self.print_accounts()

    def seed(self) -> None:
        admin = self.foundation_admin()
        manager = ensure_user(MANAGER)
        demo = ensure_approved_organisation(DEMO_ARCHIVE, manager=manager, admin=admin)
        ensure_membership(demo, ensure_user(STAFF), Membership.Role.STAFF)
        ensure_signed(demo, manager=manager, title=DEMO_ARCHIVE.signer_title, approve_by=admin)
        other = ensure_user(OTHER)
        other_archive = ensure_approved_organisation(OTHER_ARCHIVE, manager=other, admin=admin)
        # Left awaiting approval, so the admin has a signature to review in the demo.
        ensure_signed(other_archive, manager=other, title=OTHER_ARCHIVE.signer_title)
        ensure_photographer()

    def foundation_admin(self) -> User:
        admin = ensure_user(ADMIN)
        if not (admin.is_staff and admin.is_superuser):
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        group, _ = Group.objects.get_or_create(name=FOUNDATION_ADMINS_GROUP)
        admin.groups.add(group)
        return admin

    def print_accounts(self) -> None:
        nsid = photographer_nsid()
        width = max(len(account.username) for account in ACCOUNTS) + 2
        pw_width = max(len(account.password) for account in ACCOUNTS) + 2
        login_url = f"{settings.SITE_URL}{reverse(settings.LOGIN_URL)}"
        self.stdout.write(f"Demo accounts (development only; log in at {login_url}):")
        self.stdout.write(f"  {'username':<{width}}{'password':<{pw_width}}role")
        for account in ACCOUNTS:
            role = f"{account.role} {nsid}" if account is PHOTOGRAPHER else account.role
            self.stdout.write(f"  {account.username:<{width}}{account.password:<{pw_width}}{role}")
        self.stdout.write(
            "demo-archive: approved, agreement signed and approved. "
            "other-archive: approved, agreement signed and awaiting approval."
        )


def ensure_user(account: DemoAccount) -> User:
    """The demo user, created with its demo password, or reset to it if it was changed."""
    user = User.objects.filter(username=account.username).first()
    if user is None:
        return portal.user_create(
            username=account.username,
            email=f"{account.username}@example.org",
            password=account.password,
            display_name=account.display_name,
        )
    if not user.check_password(account.password):
        user.set_password(account.password)
        user.save(update_fields=["password"])
    return user


def ensure_approved_organisation(
    spec: DemoOrganisation, *, manager: User, admin: User
) -> Organisation:
    organisation = Organisation.objects.filter(slug=spec.slug).first()
    if organisation is None:
        organisation = portal.organisation_register(
            name=spec.name,
            slug=spec.slug,
            country=spec.country,
            flickr_accounts=spec.flickr_accounts,
            registered_by=manager,
        )
    ensure_membership(organisation, manager, Membership.Role.MANAGER)
    if organisation.is_approved:
        return organisation
    if not organisation.can_move_to(Organisation.Status.APPROVED):
        raise CommandError(
            f"The demo organisation {spec.slug!r} is {organisation.get_status_display().lower()} "
            "and cannot be approved again; delete it in the Django admin and run seed_demo again."
        )
    return portal.organisation_approve(organisation, by=admin, note="Demo organisation.")


def ensure_membership(organisation: Organisation, user: User, role: str) -> None:
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        portal.membership_add(organisation, user=user, role=role)
    elif membership.role != role:
        raise CommandError(
            f"{user.username!r} is {membership.role} of {organisation.slug!r}, but the demo needs "
            f"them as {role}; change the role in the Django admin and run seed_demo again."
        )


def ensure_signed(
    organisation: Organisation, *, manager: User, title: str, approve_by: User | None = None
) -> None:
    """Sign the current agreement if it needs signing, and approve it when asked to."""
    status = legal.agreement_status_for(organisation)
    if status.needs_signature and status.version is not None:
        legal.agreement_sign(
            organisation,
            version=status.version,
            by=manager,
            signer_name=manager.get_full_name(),
            signer_title=title,
            ip=DEMO_IP,
        )
        status = legal.agreement_status_for(organisation)
    signature = status.signature
    if approve_by is not None and signature is not None and signature.is_pending:
        legal.signature_approve(signature, by=approve_by, note="Demo organisation.")


def ensure_photographer() -> User:
    photographer = ensure_user(PHOTOGRAPHER)
    nsid = photographer_nsid()
    if photographer.flickr_nsid != nsid:
        photographer.flickr_nsid = nsid
        photographer.save(update_fields=["flickr_nsid"])
    return photographer
