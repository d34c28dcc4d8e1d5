"""Publish the first agreement version, so that a fresh install has one to sign."""

import datetime

from django.db import migrations
from django.utils import timezone

LABEL = "2026-1"
EFFECTIVE_ON = datetime.date(2026, 1, 1)
TEXT = """\
# Data Lifeboat agreement

This agreement is between the foundation that runs the Data Lifeboat Portal (“the
foundation”) and the organisation whose manager signs it (“the organisation”). It covers
every Data Lifeboat the organisation requests through the portal.

## 1. What a Data Lifeboat is

A Data Lifeboat is a package of photos from Flickr together with their descriptions,
licences, tags, comments, notes and other context, made so that the photos and their story
outlive the service they came from. The foundation makes the package; the organisation keeps
it in its own preservation storage.

## 2. What the organisation may do with a package

- Keep the package, copy it within its own storage and migrate it to new formats, for the
  purpose of long-term preservation.
- Let researchers and the public consult the photos in ways the **licence of each photo**
  allows. A package does not grant any right the photographer did not grant.
- Describe the package in its catalogue and say that it holds it.

The organisation will not sell packages, nor use the photos in them for commercial purposes
or to train machine-learning models, unless the licence of a photo clearly allows it.

## 3. Attribution

Whenever a photo from a package is shown, the organisation credits the photographer as named
in the package and links to the photo's original Flickr page where that is practical.

## 4. Respecting licences and photographers' wishes

The organisation respects the licence recorded for each photo and any consent decision in the
package. Photos a photographer refused, or withdrew from, are left out of packages; the
organisation does not try to add them back from other sources.

## 5. Removal requests

If a photographer asks for a photo to be removed and the foundation grants the request, the
foundation tells the organisation. Within 30 days the organisation removes the photo from its
copies of the package, or stops giving access to it where removal is impossible, and confirms
this to the foundation.

## 6. Retention

The foundation keeps a package available for download only for a short time, then deletes it.
It keeps, without time limit, the record of who asked for each package, who approved it, what
went in and who downloaded it. The organisation keeps packages for as long as it judges them
worth preserving, under the terms above.

## 7. Changes to this agreement

The foundation may publish a new version of this agreement. The organisation must sign the
new version before it can request further lifeboats; packages already made remain under the
version that was in effect when they were made.
"""


def publish_first_version(apps, schema_editor):
    AgreementVersion = apps.get_model("legal", "AgreementVersion")
    AgreementEvent = apps.get_model("legal", "AgreementEvent")
    if AgreementVersion.objects.filter(label=LABEL).exists():
        return
    now = timezone.now()
    version = AgreementVersion.objects.create(
        label=LABEL, text_markdown=TEXT, effective_on=EFFECTIVE_ON, published_at=now
    )
    AgreementEvent.objects.create(
        kind="published",
        version=version,
        note="The first version, published when the portal was installed.",
        at=now,
    )


def unpublish_first_version(apps, schema_editor):
    AgreementVersion = apps.get_model("legal", "AgreementVersion")
    AgreementEvent = apps.get_model("legal", "AgreementEvent")
    version = AgreementVersion.objects.filter(label=LABEL, signatures__isnull=True).first()
    if version is not None:
        AgreementEvent.objects.filter(version=version).delete()
        version.delete()


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(publish_first_version, unpublish_first_version)]
