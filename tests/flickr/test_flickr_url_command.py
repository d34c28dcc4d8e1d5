"""`manage.py flickr_url URL` (DESIGN 5.1): JSON on stdout and exit 0, or a message and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SHORT_LINK_JSON = """\
{
  "photo_id": "53208249252",
  "type": "single_photo",
  "user_id": null,
  "user_url": null
}
"""


def run_flickr_url(url: str) -> str:
    stdout = StringIO()
    call_command("flickr_url", url, stdout=stdout)
    return stdout.getvalue()


def run_manage_py(url: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "flickr_url", url],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_prints_the_parse_result_as_indented_sorted_json():
    """The output is the parse result as JSON, indented by 2 with sorted keys."""
    assert run_flickr_url("https://flic.kr/p/2p4QbKN") == SHORT_LINK_JSON


def test_prints_every_key_of_a_collection_result():
    """An album URL prints its type, owner, album id and page."""
    output = run_flickr_url("https://www.flickr.com/photos/cat_tac/albums/72157666833379009/page3")
    assert json.loads(output) == {
        "type": "album",
        "user_url": "https://www.flickr.com/photos/cat_tac/",
        "album_id": "72157666833379009",
        "page": 3,
    }


@pytest.mark.parametrize(
    ("url", "expected_in_message"),
    [
        pytest.param("https://example.com/photos/x/1/", "is not a Flickr URL", id="not-flickr"),
        pytest.param(
            "https://www.flickr.com/groups/slovenia/discuss/",
            "not one the portal can collect photos from",
            id="unrecognised",
        ),
    ],
)
def test_bad_url_is_a_command_error_with_exit_code_2(url, expected_in_message):
    """A non-Flickr or unusable URL raises CommandError(returncode=2) naming the URL."""
    with pytest.raises(CommandError) as caught:
        run_flickr_url(url)
    assert caught.value.returncode == 2
    assert repr(url) in str(caught.value)
    assert expected_in_message in str(caught.value)


def test_manage_py_exits_0_with_the_json_on_stdout():
    """Run as a program, a good URL prints the JSON and exits 0 with nothing on stderr."""
    result = run_manage_py("flic.kr/p/2p4QbKN")
    assert (result.returncode, result.stdout, result.stderr) == (0, SHORT_LINK_JSON, "")


def test_manage_py_exits_2_with_the_message_on_stderr():
    """Run as a program, a bad URL prints the message on stderr, nothing on stdout, exit 2."""
    url = "https://flickr.com.evil.org/photos/x/1/"
    result = run_manage_py(url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert repr(url) in result.stderr
    assert "is not a Flickr URL" in result.stderr
