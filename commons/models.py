"""The Commons catalogue: every Flickr Commons member, their public photos and the comments
on them, refreshed nightly by `commons.crawler`; plus the crawls themselves, which carry
their progress so that an interrupted crawl resumes where it stopped."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


class CommonsMember(models.Model):
    """One institution of Flickr Commons (commons.getInstitutions + people.getInfo)."""

    nsid = models.CharField("Flickr user id", max_length=32, unique=True)
    name = models.CharField(max_length=255, help_text="The institution's name on Flickr Commons.")
    username = models.CharField(max_length=255, blank=True)
    realname = models.CharField(max_length=255, blank=True)
    path_alias = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True, help_text="Profile text, HTML as Flickr gives it.")
    location = models.CharField(max_length=255, blank=True)
    icon_server = models.CharField(max_length=20, blank=True)
    icon_farm = models.PositiveIntegerField(default=0)
    date_launch = models.DateTimeField(help_text="When the institution joined Flickr Commons.")
    website_url = models.URLField(max_length=500, blank=True)
    licence_url = models.URLField(
        max_length=500, blank=True, help_text="The institution's page about rights and reuse."
    )
    flickr_url = models.URLField(max_length=500, blank=True)
    is_current = models.BooleanField(
        default=True, help_text="False once commons.getInstitutions stops listing the member."
    )
    photo_count = models.PositiveIntegerField(default=0, help_text="Catalogued public photos.")
    view_count = models.PositiveBigIntegerField(default=0, help_text="Views of those photos.")
    first_seen_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["date_launch"], name="commonsmember_launch")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commons:member", args=[self.url_name])

    @property
    def url_name(self) -> str:
        """How Flickr URLs name the member: the path alias, else the NSID."""
        return self.path_alias or self.nsid

    @property
    def photostream_url(self) -> str:
        return f"https://www.flickr.com/photos/{self.url_name}/"


class CommonsPhoto(models.Model):
    """One public photo of a Commons member, as people.getPublicPhotos lists it."""

    photo_id = models.CharField("Flickr photo id", max_length=20, unique=True)
    member = models.ForeignKey(CommonsMember, on_delete=models.CASCADE, related_name="photos")
    title = models.TextField(blank=True)
    description = models.TextField(blank=True, help_text="HTML as Flickr gives it.")
    tags = models.TextField(blank=True, help_text="Flickr's normalised tags, space-separated.")
    licence_id = models.CharField(max_length=40)
    media = models.CharField(max_length=10, default="photo")
    date_uploaded = models.DateTimeField()
    date_taken = models.DateTimeField(null=True, blank=True)
    date_taken_granularity = models.CharField(max_length=10, blank=True)
    last_update = models.DateTimeField(null=True, blank=True)
    views = models.PositiveBigIntegerField(default=0)
    count_faves = models.PositiveIntegerField(default=0)
    count_comments = models.PositiveIntegerField(default=0)
    comments_fetched_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="count_comments when the comments were last fetched; empty if never.",
    )
    thumbnail_url = models.URLField(max_length=500, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    search_text = models.TextField(
        blank=True, help_text="Title, description, tags and comments, as plain words."
    )
    # Filled from search_text on PostgreSQL only (GIN-indexed by migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)
    seen_in_crawl = models.PositiveIntegerField(
        null=True, blank=True, help_text="The last crawl that listed this photo."
    )

    class Meta:
        ordering = ["-date_uploaded", "-pk"]
        indexes = [
            models.Index(fields=["-date_uploaded", "-id"], name="commonsphoto_recent"),
            models.Index(fields=["member", "-date_uploaded"], name="commonsphoto_member_recent"),
            # The crawler's queue of photos whose comments are to be fetched: small, usually.
            models.Index(
                fields=["id"],
                condition=Q(comments_fetched_count__isnull=True)
                | ~Q(comments_fetched_count=F("count_comments")),
                name="commonsphoto_comments_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo_id__regex=r"^[0-9]+$"), name="commonsphoto_id_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Photo {self.photo_id}"

    @property
    def flickr_url(self) -> str:
        return f"https://www.flickr.com/photos/{self.member.url_name}/{self.photo_id}/"


class CommonsComment(models.Model):
    """One comment on a catalogued photo (photos.comments.getList)."""

    comment_id = models.CharField(max_length=64, unique=True)
    photo = models.ForeignKey(CommonsPhoto, on_delete=models.CASCADE, related_name="comments")
    author_nsid = models.CharField(max_length=32)
    author_name = models.CharField(max_length=255, blank=True)
    author_path_alias = models.CharField(max_length=100, blank=True)
    text = models.TextField(help_text="HTML as Flickr gives it; cleaned when shown.")
    date_created = models.DateTimeField()
    permalink = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-date_created", "-pk"]
        indexes = [
            models.Index(fields=["-date_created", "-id"], name="commonscomment_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name or self.author_nsid} on {self.photo_id}"


class CrawlStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class CommonsCrawlQuerySet(models.QuerySet["CommonsCrawl"]):
    def running(self) -> CommonsCrawlQuerySet:
        return self.filter(status=CrawlStatus.RUNNING)

    def stalled(self, heartbeat_before: datetime) -> CommonsCrawlQuerySet:
        """Running crawls nobody has worked on since `heartbeat_before`."""
        return self.running().filter(heartbeat_at__lt=heartbeat_before)


class CommonsCrawl(models.Model):
    """One crawl of Flickr Commons; its progress lives here and in `CommonsCrawlMember`."""

    status = models.CharField(max_length=10, choices=CrawlStatus, default=CrawlStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    calls = models.JSONField(default=dict, blank=True, help_text="API calls made, by method.")
    error = models.TextField(blank=True)
    stats = models.JSONField(
        default=dict,
        blank=True,
        help_text="The catalogue's totals when the crawl finished: photos, views, members, "
        "licences.",
    )
    members_listed_at = models.DateTimeField(
        null=True, blank=True, help_text="When this crawl read commons.getInstitutions."
    )
    comments_after = models.PositiveBigIntegerField(
        default=0, help_text="Comments are brought up to date for photos past this row id."
    )
    photos_new = models.PositiveIntegerField(default=0)
    photos_updated = models.PositiveIntegerField(default=0)
    photos_removed = models.PositiveIntegerField(default=0)
    comments_fetched = models.PositiveIntegerField(
        default=0, help_text="Comments received from photos.comments.getList."
    )

    objects = CommonsCrawlQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CrawlStatus.values), name="commonscrawl_status_valid"
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="commonscrawl_one_running",
            ),
        ]

    def __str__(self) -> str:
        return f"Commons crawl {self.pk} ({self.status})"

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


class CommonsCrawlMember(models.Model):
    """How far one crawl has got with one member: the next page of photos to read."""

    crawl = models.ForeignKey(CommonsCrawl, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(CommonsMember, on_delete=models.CASCADE, related_name="crawls")
    info_fetched = models.BooleanField(default=False)
    next_page = models.PositiveIntegerField(default=1)
    pages = models.PositiveIntegerField(null=True, blank=True)
    total = models.PositiveIntegerField(null=True, blank=True, help_text="As Flickr counts them.")
    seen = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    note = models.CharField(
        max_length=255, blank=True, help_text="Why the listing ended as it did, if unusual."
    )

    class Meta:
        ordering = ["crawl", "member__date_launch", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["crawl", "member"], name="commonscrawlmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.crawl_id}/{self.member_id}: page {self.next_page}"
