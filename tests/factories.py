"""Plain factory functions for tests: `make_<thing>(**overrides)` returns a saved object."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group, Permission

from portal.models import (
    FOUNDATION_ADMINS_GROUP,
    ApiToken,
    Membership,
    Organisation,
    User,
)
from portal.services import api_token_create

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_user(**overrides) -> User:
    """An active user with the password `PASSWORD`."""
    number = next(_sequence)
    fields = {
        "username": f"user{number}",
        "email": f"user{number}@example.org",
        "display_name": f"User {number}",
        **overrides,
    }
    password = fields.pop("password", PASSWORD)
    user = User(**fields)
    user.set_password(password)
    user.save()
    return user


def make_organisation(*, status: str = Organisation.Status.APPROVED, **overrides) -> Organisation:
    """An organisation, approved unless `status` says otherwise."""
    number = next(_sequence)
    fields = {
        "name": f"Example Archive {number}",
        "slug": f"example-archive-{number}",
        "country": "United Kingdom",
        "website": f"https://archive{number}.example.org/",
        "status": status,
        **overrides,
    }
    return Organisation.objects.create(**fields)


def make_membership(
    organisation: Organisation | None = None,
    user: User | None = None,
    *,
    role: str = Membership.Role.STAFF,
) -> Membership:
    """`user` (a new one by default) in `organisation` (a new approved one by default)."""
    return Membership.objects.create(
        organisation=organisation or make_organisation(),
        user=user or make_user(),
        role=role,
    )


def foundation_admins_group() -> Group:
    """The group the data migration creates (made again if a test flushed the database)."""
    group, created = Group.objects.get_or_create(name=FOUNDATION_ADMINS_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(codename="review_organisation"))
    return group


def make_foundation_admin(**overrides) -> User:
    """A member of the "Foundation admins" group with access to the Django admin."""
    user = make_user(is_staff=True, **overrides)
    user.groups.add(foundation_admins_group())
    return user


def make_api_token(user: User | None = None, *, name: str = "test token") -> tuple[ApiToken, str]:
    """A token and its secret, for `user` (a new one by default)."""
    return api_token_create(user or make_user(), name=name)


# --- Legal agreements ----------------------------------------------------------------------------


def make_agreement_version(**overrides):
    """A published agreement version, in effect from today unless `effective_on` says otherwise."""
    from django.utils import timezone

    from legal.models import AgreementVersion

    number = next(_sequence)
    now = timezone.now()
    fields = {
        "label": f"test-{number}",
        "text_markdown": f"# Agreement test-{number}\n\nThe organisation keeps its lifeboats safe.",
        "effective_on": timezone.localdate(),
        "published_at": now,
        **overrides,
    }
    return AgreementVersion.objects.create(**fields)


def make_signature(organisation: Organisation | None = None, **overrides):
    """A signature of the current agreement version by a new manager, awaiting approval;
    pass `status="approved"` for an organisation that may request lifeboats."""
    from django.utils import timezone

    from legal.models import AgreementSignature, AgreementVersion

    organisation = organisation or make_organisation()
    signed_by = overrides.pop("signed_by", None)
    if signed_by is None:
        signed_by = make_membership(organisation, role=Membership.Role.MANAGER).user
    fields = {
        "version": AgreementVersion.objects.current() or make_agreement_version(),
        "signer_name": signed_by.get_full_name(),
        "signer_title": "Head of Collections",
        "signed_ip": "192.0.2.10",
        "status": AgreementSignature.Status.PENDING,
        **overrides,
    }
    if fields["status"] != AgreementSignature.Status.PENDING:
        fields.setdefault("decided_at", timezone.now())
        fields.setdefault("decision_note", "Decided in a test.")
    return AgreementSignature.objects.create(
        organisation=organisation, signed_by=signed_by, **fields
    )


# --- Lifeboats -----------------------------------------------------------------------------------


def make_lifeboat(
    organisation: Organisation | None = None, *, status: str = "draft", photos=3, **fields
):
    """A lifeboat in `status` with `photos` pending photos (rows of the index), made directly
    (no Flickr); by a new staff member of `organisation` (a new approved one by default)."""
    from django.utils import timezone

    from lifeboats.models import Lifeboat

    organisation = organisation or make_organisation()
    created_by = fields.pop("created_by", None)
    if created_by is None:
        created_by = make_membership(organisation).user
    number = next(_sequence)
    values = {
        "name": f"Test lifeboat {number}",
        "slug": f"test-lifeboat-{number}",
        "purpose": "To keep these photos safe for future readers.",
        "readme_selection": "They show the town's harbour over a century.",
        "readme_future": "The captions were written by the photographers.",
        "readme_usage": "Only as their licences allow.",
        "urls": ["https://www.flickr.com/photos/example/albums/72157600000000001"],
        "preflight": {"photos": photos, "by_licence": {"cc-by-2.0": photos}},
        **fields,
    }
    if status != "draft":
        values.setdefault("submitted_at", timezone.now())
    lifeboat = Lifeboat.objects.create(
        organisation=organisation, created_by=created_by, status=status, **values
    )
    for _ in range(photos):
        make_lifeboat_photo(lifeboat)
    if photos and "photos_total" not in fields:
        lifeboat.photos_total = lifeboat.photos.count()
        lifeboat.save(update_fields=["photos_total"])
    return lifeboat


def make_lifeboat_photo(lifeboat=None, **fields):
    """A pending photo of `lifeboat` (a new draft by default), with a small stored listing."""
    from lifeboats.models import LifeboatPhoto
    from lifeboats.selection import listed_photo_to_json

    lifeboat = lifeboat or make_lifeboat(photos=0)
    number = next(_sequence)
    photo_id = fields.pop("photo_id", str(50_000_000_000 + number))
    owner_nsid = fields.pop("owner_nsid", "12345678@N01")
    license_id = fields.pop("license_id", "cc-by-2.0")
    values = {
        "position": lifeboat.photos.count(),
        "listing": listed_photo_to_json(
            make_listed_photo(photo_id=photo_id, owner_nsid=owner_nsid, licence_id=license_id)
        ),
        **fields,
    }
    return LifeboatPhoto.objects.create(
        lifeboat=lifeboat, photo_id=photo_id, owner_nsid=owner_nsid, license_id=license_id, **values
    )


def make_listed_photo(*, photo_id: str = "", owner_nsid: str = "12345678@N01", **fields):
    """A `flickr.walkers.ListedPhoto` as a bulk listing gives it: public, CC BY, a thumbnail."""
    from datetime import UTC, datetime

    from flickr.walkers import ImageFile, ListedPhoto

    photo_id = photo_id or str(50_000_000_000 + next(_sequence))
    values = {
        "id": photo_id,
        "owner_nsid": owner_nsid,
        "owner_username": "example",
        "owner_realname": "Example Photographer",
        "owner_path_alias": None,
        "title": f"Photo {photo_id}",
        "description": None,
        "licence_id": "cc-by-2.0",
        "date_uploaded": datetime(2010, 5, 1, 12, 0, tzinfo=UTC),
        "date_taken": None,
        "last_update": datetime(2011, 1, 1, 12, 0, tzinfo=UTC),
        "visibility": "public",
        "safety_level": "safe",
        "media": "photo",
        "original_format": "jpg",
        "views": 10,
        "count_comments": 0,
        "count_faves": 0,
        "tags": (),
        "machine_tags": (),
        "location": None,
        "thumbnail": ImageFile(
            url=f"https://live.staticflickr.com/1/{photo_id}_secret_t.jpg", width=100, height=75
        ),
        "original": ImageFile(
            url=f"https://live.staticflickr.com/1/{photo_id}_secret_o.jpg", width=1024, height=768
        ),
        "has_all_sizes": True,
        **fields,
    }
    return ListedPhoto(**values)


# --- The Commons catalogue ---------------------------------------------------------------------


def make_commons_member(**overrides):
    """A current Flickr Commons member with a path alias, joined in 2008 unless told."""
    from datetime import UTC, datetime

    from commons.models import CommonsMember

    number = next(_sequence)
    fields = {
        "nsid": f"{30_000_000 + number}@N0{number % 8 + 1}",
        "name": f"Example Commons Archive {number}",
        "path_alias": f"example-commons-{number}",
        "date_launch": datetime(2008, 6, 1, tzinfo=UTC),
        **overrides,
    }
    return CommonsMember.objects.create(**fields)


def index_commons_photo(photo) -> None:
    """Rebuild a photo's search text from its words and comments, as the crawler does."""
    from commons.search import document_for, refresh_search_vectors

    photo.search_text = document_for(
        title=photo.title,
        description=photo.description,
        tags=photo.tags,
        comments=photo.comments.order_by("date_created", "pk").values_list("text", flat=True),
    )
    photo.save(update_fields=["search_text"])
    refresh_search_vectors([photo.pk])


def make_commons_photo(member=None, **overrides):
    """A catalogued photo (of a new member unless given), indexed for search."""
    from datetime import UTC, datetime, timedelta

    from commons.models import CommonsPhoto

    number = next(_sequence)
    fields = {
        "photo_id": str(45_000_000_000 + number),
        "title": f"Catalogued photo {number}",
        "licence_id": "nkcr",
        "date_uploaded": datetime(2015, 1, 1, tzinfo=UTC) + timedelta(minutes=number),
        "views": 10,
        "thumbnail_url": f"https://live.staticflickr.com/65535/{45_000_000_000 + number}_abc_t.jpg",
        "thumbnail_width": 100,
        "thumbnail_height": 75,
        **overrides,
    }
    photo = CommonsPhoto.objects.create(member=member or make_commons_member(), **fields)
    index_commons_photo(photo)
    return photo


def make_commons_comment(photo=None, **overrides):
    """A comment on a catalogued photo (a new one unless given); the photo is re-indexed."""
    from datetime import UTC, datetime, timedelta

    from commons.models import CommonsComment

    number = next(_sequence)
    photo = photo or make_commons_photo()
    fields = {
        "comment_id": f"{photo.photo_id}-{number}",
        "author_nsid": f"{60_000_000 + number}@N05",
        "author_name": f"Commenter {number}",
        "text": f"Comment number {number}",
        "date_created": datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=number),
        **overrides,
    }
    comment = CommonsComment.objects.create(photo=photo, **fields)
    photo.count_comments = photo.comments.count()
    photo.save(update_fields=["count_comments"])
    index_commons_photo(photo)
    return comment


def make_commons_crawl(*, status: str = "finished", stats=None, **overrides):
    """A crawl; a finished one stores the catalogue's current totals unless `stats` is given."""
    from django.utils import timezone

    from commons.models import CommonsCrawl
    from commons.stats import catalogue_stats

    finished = status == "finished"
    fields = {
        "status": status,
        "finished_at": timezone.now() if finished else None,
        "stats": (catalogue_stats() if stats is None else stats) if finished else {},
        **overrides,
    }
    return CommonsCrawl.objects.create(**fields)
