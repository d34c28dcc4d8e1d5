"""S3-compatible storage (LIFEBOAT_STORAGE=s3), against moto's server started by the test.

The server listens on a free local port; boto3, django-storages and httpx talk to it over
HTTP exactly as they would to a real S3-compatible service.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import boto3
import httpx
import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import timezone
from moto.server import ThreadedMotoServer

from lifeboats.downloads import download_link_for
from lifeboats.expiry import expire_due_lifeboats
from lifeboats.models import LifeboatDownload, LifeboatStatus
from lifeboats.storage import lifeboat_storage, package_exists, package_key, work_prefix
from tests.factories import make_membership
from tests.lifeboats.package_helpers import PACKAGE_BYTES, make_ready_lifeboat

pytestmark = pytest.mark.django_db

REGION = "eu-west-2"
CREDENTIALS = {"access_key": "testing-access-key", "secret_key": "testing-secret-key"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def bucket(s3_endpoint):
    """A bucket, and the lifeboats storage pointed at it (as LIFEBOAT_STORAGE=s3 does).

    Each test's lifeboats have their own ids, hence their own prefixes in the one bucket.
    """
    name = f"lifeboats-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    storages = {
        **django_settings.STORAGES,
        "lifeboats": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "querystring_expire": 900,
                "file_overwrite": False,
                "default_acl": None,
                **CREDENTIALS,
            },
        },
    }
    with override_settings(STORAGES=storages):
        yield client, name


def keys_in(client, bucket_name: str, lifeboat) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket_name, Prefix=f"lifeboats/{lifeboat.pk}/")
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_a_package_is_stored_in_the_bucket_under_its_key(bucket):
    """The package lands at lifeboats/<id>/<slug>.zip in the bucket."""
    client, name = bucket
    lifeboat = make_ready_lifeboat()
    assert keys_in(client, name, lifeboat) == [package_key(lifeboat)]
    body = client.get_object(Bucket=name, Key=package_key(lifeboat))["Body"].read()
    assert body == PACKAGE_BYTES


def test_the_download_link_is_a_presigned_url_that_serves_the_zip(bucket, s3_endpoint):
    """The member's link points at the S3 service, expires, and downloads as <slug>.zip."""
    lifeboat = make_ready_lifeboat(slug="harbour-photos")
    member = make_membership(lifeboat.organisation).user

    link = download_link_for(lifeboat, user=member, ip="192.0.2.7")

    assert link.startswith(f"{s3_endpoint}/")
    assert "Expires=900" in link or "X-Amz-Expires=900" in link
    response = httpx.get(link)
    assert response.status_code == 200
    assert response.content == PACKAGE_BYTES
    assert response.headers["content-disposition"] == 'attachment; filename="harbour-photos.zip"'


def test_an_s3_download_is_logged_when_the_link_is_issued(bucket):
    """The portal never sees the bytes go by, so it logs the download as it signs the link."""
    lifeboat = make_ready_lifeboat()
    member = make_membership(lifeboat.organisation).user
    download_link_for(lifeboat, user=member, ip="192.0.2.7")
    download = LifeboatDownload.objects.get()
    assert (download.user, download.size, download.ip) == (
        member,
        len(PACKAGE_BYTES),
        "192.0.2.7",
    )


def test_expiry_deletes_the_package_and_work_files_from_the_bucket(bucket):
    """The hourly expiry empties the lifeboat's prefix and keeps the records."""
    client, name = bucket
    lifeboat = make_ready_lifeboat(expires_in=timedelta(hours=1))
    other = make_ready_lifeboat()
    client.put_object(Bucket=name, Key=f"{work_prefix(lifeboat)}/media/1.jpg", Body=b"jpeg")

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        assert expire_due_lifeboats() == 1

    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.EXPIRED
    assert lifeboat.package_sha256
    assert not package_exists(lifeboat)
    assert keys_in(client, name, lifeboat) == []
    assert keys_in(client, name, other) == [package_key(other)]


def test_the_storage_in_use_is_s3_while_the_override_holds(bucket):
    """The override really switched the lifeboats storage (no silent filesystem fallback)."""
    assert type(lifeboat_storage()).__name__ == "S3Storage"
