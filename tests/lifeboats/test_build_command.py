"""`manage.py build_lifeboat`: builds against FLICKR_API_URL, exit codes 0 / 1 / 2, --output."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from legal.consent import licence_decision
from legal.models import LicenceDecision
from lifeboats.management.commands.build_lifeboat import ProgressBar
from lifeboats.models import Lifeboat, LifeboatEvent, LifeboatStatus
from lifeboats.package import read_js_file
from lifeboats.storage import lifeboat_storage
from tests.flickr import sandbox_helpers
from tests.lifeboats.test_builder import SMALL_ALBUM, WORLD_PHOTOS
from tests.lifeboats.test_faults import FAILING_STORAGE, storages_with

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def flickr_sandbox(sandbox):
    """The sandbox, with the portal's settings pointing at it (and a budget that never waits)."""
    server = sandbox(photos=WORLD_PHOTOS)
    with override_settings(FLICKR_API_URL=server.api_url, FLICKR_RATE_LIMIT_PER_HOUR=100_000_000):
        yield server


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("build_lifeboat", *args, stdout=out)
    return out.getvalue()


def test_command_builds_a_ready_lifeboat_from_the_api_at_flickr_api_url(flickr_sandbox):
    """With the sandbox at FLICKR_API_URL, the command builds the album and reports success."""
    output = run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "Keep them safe.")

    lifeboat = Lifeboat.objects.get()
    assert lifeboat.status == LifeboatStatus.READY
    assert f"Lifeboat {lifeboat.pk} is ready: 4 photos included, 0 excluded" in output
    assert flickr_sandbox.calls["flickr.photos.getInfo"] == 4


def test_command_records_that_it_approved_the_lifeboat_itself(flickr_sandbox):
    """The events say the lifeboat was approved by the command, outside the workflow."""
    run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "Keep them safe.")

    approval = LifeboatEvent.objects.get(status=LifeboatStatus.APPROVED)
    assert "build_lifeboat command" in approval.note
    assert approval.lifeboat.organisation.slug == "flickr-foundation"


def test_output_receives_a_copy_of_the_stored_package(flickr_sandbox, tmp_path):
    """--output FILE.zip gets exactly the package whose SHA-256 the lifeboat records."""
    target = tmp_path / "harbour.zip"

    run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "Keep.", "--output", str(target))

    lifeboat = Lifeboat.objects.get()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == lifeboat.package_sha256
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None


def test_a_bad_url_exits_2_naming_it(flickr_sandbox):
    """A URL that is not Flickr's is bad input: exit code 2, the URL in the message, no
    lifeboat."""
    with pytest.raises(CommandError) as raised:
        run("https://example.com/not-flickr", "--name", "Harbour", "--purpose", "Keep.")

    assert raised.value.returncode == 2
    assert "https://example.com/not-flickr" in str(raised.value)
    assert not Lifeboat.objects.exists()


def test_an_output_that_is_not_a_zip_exits_2_before_calling_flickr(flickr_sandbox, tmp_path):
    """--output must name a .zip file; nothing is fetched otherwise."""
    with pytest.raises(CommandError) as raised:
        run(SMALL_ALBUM, "--name", "H", "--purpose", "K", "--output", str(tmp_path / "a.tar"))

    assert raised.value.returncode == 2
    assert sum(flickr_sandbox.calls.values()) == 0


def test_a_failed_build_exits_1_with_its_message(flickr_sandbox):
    """A storage that cannot be written fails the build: exit code 1 and the reason."""
    with (
        override_settings(STORAGES=storages_with(FAILING_STORAGE)),
        pytest.raises(CommandError) as raised,
    ):
        run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "Keep.")

    assert raised.value.returncode == 1
    assert "No space left on device" in str(raised.value)
    assert Lifeboat.objects.get().status == LifeboatStatus.FAILED


def test_progress_bar_redraws_one_line_on_a_terminal():
    """On a terminal the bar is redrawn in place with a carriage return."""
    written: list[str] = []
    bar = ProgressBar(written.append, interactive=True, width=10)

    bar.update(52, 100)

    assert written == ["\r[#####     ] 52/100 photos"]


def test_progress_is_plain_lines_at_each_tenth_elsewhere():
    """Without a terminal, one line per tenth of the way, and the last one."""
    written: list[str] = []
    bar = ProgressBar(written.append, interactive=False)

    for done in range(1, 21):
        bar.update(done, 20)

    assert written[0] == "1/20 photos\n"
    assert written[-1] == "20/20 photos\n"
    assert len(written) == 11


def test_an_empty_purpose_exits_2_before_calling_flickr(flickr_sandbox):
    """The purpose opens the README and the bag's description: an empty one is bad input."""
    with pytest.raises(CommandError) as raised:
        run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "  ")

    assert raised.value.returncode == 2
    assert "--purpose" in str(raised.value)
    assert sum(flickr_sandbox.calls.values()) == 0


def test_flickr_refusing_the_key_exits_1_with_a_message_not_a_traceback(sandbox):
    """A key Flickr refuses is a failed build (exit 1) with a message saying what happened."""
    server = sandbox(photos=WORLD_PHOTOS, api_key="the-real-key")
    with (
        override_settings(FLICKR_API_URL=server.api_url, FLICKR_API_KEY="a-wrong-key"),
        pytest.raises(CommandError) as raised,
    ):
        run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "Keep.")

    assert raised.value.returncode == 1
    assert "API key was refused" in str(raised.value)
    assert not Lifeboat.objects.exists()


def test_a_package_built_outside_the_workflow_says_no_one_was_asked(flickr_sandbox):
    """Built by the foundation itself, the package claims no signed agreement, marks photos
    the licence policy would have asked about as `not_asked`, and still names a contact."""
    run(SMALL_ALBUM, "--name", "Harbour", "--purpose", "Keep them safe.")

    lifeboat = Lifeboat.objects.get()
    with lifeboat_storage().open(lifeboat.package_path, "rb") as stored:
        archive = zipfile.ZipFile(stored)
        root = f"{lifeboat.slug}/"
        _, boat = read_js_file(archive.read(root + "data/metadata/lifeboat.js"))
        consents = {
            row.photo_id: read_js_file(
                archive.read(f"{root}data/metadata/photos/{row.photo_id}.js")
            )[1]["consent"]
            for row in lifeboat.photos.included()
        }
        readme = archive.read(root + "data/README.html").decode()
        bag_info = archive.read(root + "bag-info.txt").decode()

    assert boat["agreement"]["signedAt"] is None
    assert "No agreement was signed" in readme
    assert "Contact-Email: " in bag_info
    for row in lifeboat.photos.included():
        needs_consent = licence_decision(row.license_id).decision == LicenceDecision.CONSENT
        expected = {"required": True, "status": "not_asked", "decidedAt": None}
        assert (consents[row.photo_id] == expected) == needs_consent
