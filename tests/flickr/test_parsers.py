"""The typed records, read from the real recordings: every record type and every quirk of
DESIGN 6.1, each against the recording that shows it."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

import defusedxml.ElementTree
import pytest
import yaml

from flickr import parsers
from flickr.licenses import is_unknown
from flickr.records import DateTaken, PhotoInfo
from tests.flickr import data
from tests.flickr.cassettes import recorded_client, recording_path, use_recording


def photo_info(recording: str, photo_id: str) -> PhotoInfo:
    with use_recording(recording), recorded_client() as client:
        return client.get_photo_info(photo_id)


def recorded_rsp(recording: str, method: str) -> Element:
    """The recorded <rsp> for `method`, parsed straight from the YAML (for edited copies)."""
    for interaction in yaml.load(recording_path(recording).read_text(), Loader=yaml.CSafeLoader)[
        "interactions"
    ]:
        if f"method={method}&" in interaction["request"]["uri"] + "&":
            response = interaction["response"]
            body = response["body"]["string"] if "body" in response else response["content"]
            raw = body if isinstance(body, bytes) else body.encode()
            raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            return defusedxml.ElementTree.fromstring(raw)
    raise LookupError(f"{recording!r} has no {method!r} request")


# -- photos.getInfo: an ordinary photo ------------------------------------------------------------


@pytest.fixture(scope="module")
def ordinary_photo() -> PhotoInfo:
    return photo_info(data.ORDINARY_PHOTO_RECORDING, data.ORDINARY_PHOTO)


def test_photo_info_has_the_ids_needed_for_static_urls(ordinary_photo: PhotoInfo) -> None:
    """id, secret, server and the original's secret and format come from <photo>."""
    photo = ordinary_photo
    assert (photo.id, photo.secret, photo.server) == ("32812033543", "c1b3784192", "2903")
    assert (photo.original_secret, photo.original_format) == ("41cc4e453a", "jpg")
    assert not photo.downloads_disabled


def test_photo_info_has_title_description_and_page_url(ordinary_photo: PhotoInfo) -> None:
    """Title, description (entities decoded) and the photo page URL are read."""
    assert ordinary_photo.title == "Puppy Kisses"
    assert ordinary_photo.description is not None
    assert "Station Elizabeth City, N.C.'s mascot" in ordinary_photo.description
    assert ordinary_photo.url == "https://www.flickr.com/photos/coast_guard/32812033543/"


def test_photo_info_has_the_owner(ordinary_photo: PhotoInfo) -> None:
    """The owner's NSID, username, real name and path alias are read."""
    owner = ordinary_photo.owner
    assert (owner.nsid, owner.username) == ("30884892@N08", "U.S. Coast Guard")
    assert (owner.realname, owner.path_alias) == ("Coast Guard", "coast_guard")


def test_photo_info_dates_are_utc_and_taken_keeps_its_granularity(
    ordinary_photo: PhotoInfo,
) -> None:
    """Upload and update dates are aware UTC datetimes; taken has value and granularity."""
    assert ordinary_photo.date_uploaded == datetime(2017, 3, 24, 17, 27, 52, tzinfo=UTC)
    assert ordinary_photo.last_update == datetime(2017, 6, 14, 2, 37, 14, tzinfo=UTC)
    assert ordinary_photo.date_taken == DateTaken(datetime(2017, 2, 17), "second")


def test_photo_info_maps_licence_safety_visibility_media(ordinary_photo: PhotoInfo) -> None:
    """Licence 8 is `usgov`; safety 0 is safe; ispublic is public; media stays photo."""
    photo = ordinary_photo
    assert (photo.licence_id, photo.safety_level, photo.visibility, photo.media) == (
        "usgov",
        "safe",
        "public",
        "photo",
    )


def test_photo_info_has_counts_and_usage(ordinary_photo: PhotoInfo) -> None:
    """Views, comment count, people flag and usage permissions are read."""
    photo = ordinary_photo
    assert (photo.views, photo.comment_count, photo.has_people) == (18043, 0, False)
    assert photo.usage.can_download
    assert photo.usage.can_share
    assert not photo.usage.can_print


def test_photo_info_tags_have_author_raw_and_normalised_forms(ordinary_photo: PhotoInfo) -> None:
    """Each tag keeps its author, raw text, normalised text and machine-tag flag."""
    chief_bert = next(tag for tag in ordinary_photo.tags if tag.raw == "Chief Bert")
    assert chief_bert.normalized == "chiefbert"
    assert (chief_bert.author_nsid, chief_bert.author_name) == ("30884892@N08", "U.S. Coast Guard")
    assert chief_bert.is_machine_tag is False


# -- photos.getInfo: quirks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recording", "photo_id"),
    [
        (data.PHOTO_WITH_NO_DATE_TAKEN_RECORDING, data.PHOTO_WITH_NO_DATE_TAKEN),
        (data.PHOTO_WITH_TAKEN_UNKNOWN_RECORDING, data.PHOTO_WITH_TAKEN_UNKNOWN),
    ],
)
def test_taken_unknown_means_no_date_taken(recording: str, photo_id: str) -> None:
    """takenunknown="1" gives date_taken None, though Flickr sends a date."""
    assert photo_info(recording, photo_id).date_taken is None


@pytest.mark.parametrize(
    ("recording", "photo_id"),
    [
        (data.PHOTO_TAKEN_IN_YEAR_ZERO_RECORDING, data.PHOTO_TAKEN_IN_YEAR_ZERO),
        (data.VIDEO_WITH_ZERO_DATE_RECORDING, data.VIDEO_WITH_ZERO_DATE),
    ],
)
def test_a_date_taken_starting_0000_means_no_date_taken(recording: str, photo_id: str) -> None:
    """ "0000-01-01 …" and "0000-00-00 …" give date_taken None."""
    assert photo_info(recording, photo_id).date_taken is None


def test_granularity_6_means_year() -> None:
    """takengranularity="6" is a year: 1950."""
    photo = photo_info(data.PHOTO_WITH_YEAR_GRANULARITY_RECORDING, data.PHOTO_WITH_YEAR_GRANULARITY)
    assert photo.date_taken == DateTaken(datetime(1950, 1, 1), "year")


def test_granularity_8_means_circa() -> None:
    """takengranularity="8" is circa: about 1912."""
    photo = photo_info(data.PHOTO_WITH_NOTES_RECORDING, data.PHOTO_WITH_NOTES)
    assert photo.date_taken == DateTaken(datetime(1912, 1, 1), "circa")


@pytest.mark.parametrize(("code", "granularity"), [("0", "second"), ("4", "month")])
def test_granularity_0_and_4_mean_second_and_month(code: str, granularity: str) -> None:
    """takengranularity 0 and 4 (documented by Flickr) are second and month."""
    rsp = recorded_rsp(data.ORDINARY_PHOTO_RECORDING, "flickr.photos.getInfo")
    rsp.find("photo/dates").set("takengranularity", code)  # type: ignore[union-attr]
    date_taken = parsers.parse_photo_info(rsp).date_taken
    assert date_taken is not None
    assert date_taken.granularity == granularity


def test_location_has_coordinates_accuracy_and_place_names() -> None:
    """A location carries latitude, longitude, accuracy and the place names given."""
    location = photo_info(data.PHOTO_WITH_LOCATION_RECORDING, data.PHOTO_WITH_LOCATION).location
    assert location is not None
    assert (location.latitude, location.longitude, location.accuracy) == (9.135158, 40.083811, 16)
    assert (location.locality, location.region, location.country) == ("Galoch", "Āfar", "Ethiopia")
    assert (location.county, location.neighbourhood) == (None, None)


def test_accuracy_0_means_no_location() -> None:
    """A <location accuracy="0"> is discarded, names and all."""
    photo = photo_info(data.PHOTO_WITH_ZERO_ACCURACY_RECORDING, data.PHOTO_WITH_ZERO_ACCURACY)
    assert photo.location is None


def test_a_photo_without_geo_has_no_location() -> None:
    """No <location> element gives location None."""
    photo = photo_info(data.PHOTO_WITHOUT_LOCATION_RECORDING, data.PHOTO_WITHOUT_LOCATION)
    assert photo.location is None


def test_an_empty_title_is_none() -> None:
    """<title /> gives title None."""
    photo = photo_info(data.PHOTO_WITH_EMPTY_TITLE_RECORDING, data.PHOTO_WITH_EMPTY_TITLE)
    assert photo.title is None


def test_an_empty_description_is_none() -> None:
    """<description /> gives description None."""
    photo = photo_info(
        data.PHOTO_WITH_EMPTY_DESCRIPTION_RECORDING, data.PHOTO_WITH_EMPTY_DESCRIPTION
    )
    assert photo.description is None


def test_an_empty_owner_realname_is_none() -> None:
    """realname="" on the owner gives realname None."""
    photo = photo_info(
        data.PHOTO_WITH_EMPTY_OWNER_REALNAME_RECORDING, data.PHOTO_WITH_EMPTY_OWNER_REALNAME
    )
    assert photo.owner.realname is None
    assert photo.owner.username == "Obama White House Archived"


def test_an_empty_path_alias_is_none() -> None:
    """path_alias="" gives path_alias None."""
    photo = photo_info(data.PHOTO_WITH_EMPTY_PATH_ALIAS_RECORDING, data.PHOTO_WITH_EMPTY_PATH_ALIAS)
    assert photo.owner.path_alias is None


def test_a_missing_original_format_means_downloads_are_disabled() -> None:
    """Without originalformat/originalsecret both are None and the photo cannot be downloaded."""
    photo = photo_info(
        data.PHOTO_WITH_DOWNLOADS_DISABLED_RECORDING, data.PHOTO_WITH_DOWNLOADS_DISABLED
    )
    assert (photo.original_format, photo.original_secret) == (None, None)
    assert photo.downloads_disabled
    assert photo.usage.can_download is False


def test_the_original_format_is_read() -> None:
    """originalformat="png" is kept as the original's format."""
    assert photo_info(data.PNG_PHOTO_RECORDING, data.PNG_PHOTO).original_format == "png"


def test_a_video_is_a_video_with_its_duration() -> None:
    """media="video" gives a video record with the duration from <video>."""
    video = photo_info(data.VIDEO_RECORDING, data.VIDEO)
    assert (video.media, video.video_duration) == ("video", 23)


@pytest.mark.parametrize(
    ("recording", "photo_id", "realname"),
    [
        (data.PHOTO_BY_BEACHCOMBER_RECORDING, data.PHOTO_BY_BEACHCOMBER, "beachcomber australia"),
        (
            data.PHOTO_BY_STOCKHOLM_MUSEUM_RECORDING,
            data.PHOTO_BY_STOCKHOLM_MUSEUM,
            "Stockholm Transport Museum",
        ),
    ],
)
def test_known_wrong_realnames_are_fixed(recording: str, photo_id: str, realname: str) -> None:
    """An empty and a misspelt owner realname are replaced by the known right ones."""
    assert photo_info(recording, photo_id).owner.realname == realname


def test_an_empty_tag_is_dropped() -> None:
    """A <tag raw=""/> with no text is skipped; the other 17 tags are kept."""
    raw_tags = recorded_rsp(data.PHOTO_WITH_EMPTY_TAG_RECORDING, "flickr.photos.getInfo")
    assert len(raw_tags.findall("photo/tags/tag")) == 18
    tags = photo_info(data.PHOTO_WITH_EMPTY_TAG_RECORDING, data.PHOTO_WITH_EMPTY_TAG).tags
    assert len(tags) == 17
    assert all(tag.raw and tag.normalized for tag in tags)


def test_machine_tags_are_flagged() -> None:
    """machine_tag="1" sets is_machine_tag; raw keeps the namespace:predicate=value form."""
    tags = photo_info(data.PHOTO_WITH_MACHINE_TAGS_RECORDING, data.PHOTO_WITH_MACHINE_TAGS).tags
    genus = next(tag for tag in tags if tag.raw == "taxonomy:genus=Loxodonta")
    assert genus.is_machine_tag
    assert genus.normalized == "taxonomy:genus=loxodonta"
    assert any(not tag.is_machine_tag for tag in tags)


def test_notes_have_author_text_and_box() -> None:
    """Each note keeps its id, author, text and box; an empty author realname is None."""
    recorded = recorded_rsp(data.PHOTO_WITH_NOTES_RECORDING, "flickr.photos.getInfo")
    notes = photo_info(data.PHOTO_WITH_NOTES_RECORDING, data.PHOTO_WITH_NOTES).notes
    assert len(notes) == len(recorded.findall("photo/notes/note")) == 32
    first, second = notes[0], notes[1]
    assert (first.id, first.author_nsid, first.author_realname) == (
        "72157618520987052",
        "38017871@N04",
        "Valentin Manus",
    )
    assert (first.text, first.x, first.y, first.width, first.height) == (
        "Nice siberian husky!",
        7,
        279,
        50,
        50,
    )
    assert second.author_realname is None


def test_has_people_is_read() -> None:
    """<people haspeople="1"> sets has_people."""
    photo = photo_info(data.PHOTO_WITH_PEOPLE_RECORDING, data.PHOTO_WITH_PEOPLE)
    assert photo.has_people is True


def test_an_unknown_licence_number_becomes_unknown_n() -> None:
    """A licence number Flickr has not had before becomes unknown-<n>, never a crash."""
    rsp = recorded_rsp(data.ORDINARY_PHOTO_RECORDING, "flickr.photos.getInfo")
    rsp.find("photo").set("license", data.UNSEEN_LICENCE_NUMBER)  # type: ignore[union-attr]
    licence_id = parsers.parse_photo_info(rsp).licence_id
    assert licence_id == f"unknown-{data.UNSEEN_LICENCE_NUMBER}"
    assert is_unknown(licence_id)


@pytest.mark.parametrize(
    ("flags", "visibility"),
    [
        ({"ispublic": "0", "isfriend": "1", "isfamily": "0"}, "friends"),
        ({"ispublic": "0", "isfriend": "0", "isfamily": "1"}, "family"),
        ({"ispublic": "0", "isfriend": "1", "isfamily": "1"}, "friends-and-family"),
        ({"ispublic": "0", "isfriend": "0", "isfamily": "0"}, "private"),
    ],
)
def test_visibility_of_non_public_photos(flags: dict[str, str], visibility: str) -> None:
    """The visibility flags map to friends, family, friends-and-family or private."""
    rsp = recorded_rsp(data.ORDINARY_PHOTO_RECORDING, "flickr.photos.getInfo")
    rsp.find("photo/visibility").attrib.update(flags)  # type: ignore[union-attr]
    assert parsers.parse_photo_info(rsp).visibility == visibility


# -- photos.getSizes ---------------------------------------------------------------------------


def test_sizes_have_label_dimensions_and_source() -> None:
    """Each size has its label, width, height, source URL and media."""
    with use_recording(data.ORDINARY_PHOTO_RECORDING), recorded_client() as client:
        sizes = client.get_sizes(data.ORDINARY_PHOTO)
    square = sizes[0]
    assert (square.label, square.width, square.height, square.media) == ("Square", 75, 75, "photo")
    assert square.source == "https://live.staticflickr.com/2903/32812033543_c1b3784192_s.jpg"
    assert "Original" in {size.label for size in sizes}


def test_video_sizes_may_lack_dimensions() -> None:
    """Video sizes with width="" and height="" get None, not a crash."""
    with use_recording(data.VIDEO_RECORDING), recorded_client() as client:
        sizes = {size.label: size for size in client.get_sizes(data.VIDEO)}
    assert (sizes["700"].width, sizes["700"].height, sizes["700"].media) == (None, None, "video")
    assert (sizes["Video Player"].width, sizes["Video Player"].height) == (640, 480)


# -- comments ----------------------------------------------------------------------------------


def test_all_comments_come_in_one_request() -> None:
    """photos.comments.getList is unpaginated: 1,329 comments from a single call."""
    with use_recording(data.PHOTO_WITH_MANY_COMMENTS_RECORDING), recorded_client() as client:
        comments = client.list_comments(data.PHOTO_WITH_MANY_COMMENTS)
    assert len(comments) == 1329
    assert len({comment.id for comment in comments}) == 1329
    assert client.calls["flickr.photos.comments.getList"] == 1


def test_a_comment_has_author_text_date_and_permalink() -> None:
    """A comment keeps id, author, text, UTC date and permalink; empty realname is None."""
    with (
        use_recording(data.PHOTO_WITH_COMMENT_WITHOUT_REALNAME_RECORDING),
        recorded_client() as client,
    ):
        [comment] = client.list_comments(data.PHOTO_WITH_COMMENT_WITHOUT_REALNAME)
    assert comment.id == "47181064-40373414385-72157695033805211"
    assert (comment.author_nsid, comment.author_name) == ("47201412@N02", "pellethepoet")
    assert comment.author_realname is None
    assert comment.text == "[https://www.flickr.com/photos/pellethepoet/sets/72157693630234402]"
    assert comment.date == datetime(2018, 5, 13, 14, 20, 40, tzinfo=UTC)
    assert comment.permalink.endswith("/40373414385/#comment72157695033805211")


# -- favourites (no recording exists: Flickr's documented shape) -----------------------------------


def test_favorites_have_user_and_date() -> None:
    """A fave carries the user's NSID, username, realname (None when absent) and date."""
    rsp = defusedxml.ElementTree.fromstring(
        '<rsp stat="ok"><photo id="1" page="1" pages="1" perpage="50" total="1">'
        '<person nsid="33939862@N00" username="Dementation" favedate="1166689690" />'
        "</photo></rsp>"
    )
    [fave] = parsers.parse_favorites(rsp)
    assert (fave.user_nsid, fave.username, fave.realname) == (
        "33939862@N00",
        "Dementation",
        None,
    )
    assert fave.date_faved == datetime(2006, 12, 21, 8, 28, 10, tzinfo=UTC)


# -- contexts and galleries --------------------------------------------------------------------


def test_contexts_list_albums() -> None:
    """getAllContexts gives each album's id, title and counts."""
    with use_recording(data.PHOTO_IN_ALBUMS_RECORDING), recorded_client() as client:
        contexts = client.get_contexts(data.PHOTO_IN_ALBUMS)
    assert [album.id for album in contexts.albums] == [
        "72157718247390872",
        "72157670910584126",
        "72157626376209988",
    ]
    first = contexts.albums[0]
    assert (first.title, first.count_photos, first.count_views) == (
        "Con trâu trên đất Việt",
        168,
        1868,
    )
    assert contexts.groups == ()


def test_contexts_list_groups() -> None:
    """getAllContexts gives each group pool's id and name, entities decoded."""
    with use_recording(data.PHOTO_IN_GROUPS_AND_GALLERIES_RECORDING), recorded_client() as client:
        contexts = client.get_contexts(data.PHOTO_IN_GROUPS_AND_GALLERIES)
    first = contexts.groups[0]
    assert (first.id, first.name) == ("663100@N21", '"Los mejores momentos de tu día"')
    assert first.path == "/groups/los_mejores_momentos_de_tu_dia/pool/"
    assert len(contexts.albums) == 2


def test_a_photo_in_no_album_or_group_has_empty_contexts() -> None:
    """An empty <rsp> gives no albums and no groups."""
    with use_recording(data.PHOTO_WITHOUT_CONTEXTS_RECORDING), recorded_client() as client:
        contexts = client.get_contexts(data.PHOTO_WITHOUT_CONTEXTS)
    assert (contexts.albums, contexts.groups) == ((), ())


def test_galleries_for_photo_are_listed() -> None:
    """galleries.getListForPhoto gives each gallery's id, title, owner and counts."""
    with use_recording(data.PHOTO_IN_GROUPS_AND_GALLERIES_RECORDING), recorded_client() as client:
        galleries = client.list_galleries_for_photo(data.PHOTO_IN_GROUPS_AND_GALLERIES)
    assert len(galleries) == 11
    first = galleries[0]
    assert (first.id, first.title, first.description) == ("72157721626742458", "paisatges", None)
    assert (first.owner_nsid, first.owner_username) == ("72804335@N03", "Josep M.Toset")
    assert (first.count_photos, first.count_comments) == (166, 4)


def test_a_photo_in_no_gallery_has_none() -> None:
    """pages="0" gives an empty list after a single request."""
    with use_recording(data.PHOTO_IN_ALBUMS_RECORDING), recorded_client() as client:
        galleries = client.list_galleries_for_photo(data.PHOTO_IN_ALBUMS)
    assert galleries == []
    assert client.calls["flickr.galleries.getListForPhoto"] == 1


# -- licence history -----------------------------------------------------------------------------


def test_licence_history_maps_each_change_to_licence_ids() -> None:
    """Each change has its date and old/new licence ids."""
    with use_recording(data.PHOTO_WITH_CHANGED_LICENCE_RECORDING), recorded_client() as client:
        history = client.get_licence_history(data.PHOTO_WITH_CHANGED_LICENCE)
    assert [(c.old_licence_id, c.new_licence_id) for c in history] == [
        ("all-rights-reserved", "pdm"),
        ("pdm", "nkcr"),
    ]
    assert history[0].date == datetime(2025, 4, 14, 2, 34, 50, tzinfo=UTC)


def test_licence_history_with_an_empty_new_licence_gives_none() -> None:
    """new_license="" and new_license_url="" give new_licence_id None."""
    with use_recording(data.PHOTO_WITH_INITIAL_LICENCE_RECORDING), recorded_client() as client:
        [change] = client.get_licence_history(data.PHOTO_WITH_INITIAL_LICENCE)
    assert (change.old_licence_id, change.new_licence_id) == ("nkcr", None)


def edited_history(**attributes: str) -> Element:
    rsp = recorded_rsp(
        data.PHOTO_WITH_CHANGED_LICENCE_RECORDING, "flickr.photos.licenses.getLicenseHistory"
    )
    rsp.find("license_history").attrib.update(attributes)  # type: ignore[union-attr]
    return rsp


def test_licence_history_matches_by_url_before_name() -> None:
    """When name and URL disagree (a renamed licence), the URL decides."""
    rsp = edited_history(new_license="Attribution License")
    assert parsers.parse_licence_history(rsp)[0].new_licence_id == "pdm"


def test_licence_history_falls_back_to_legacy_names() -> None:
    """A legacy name with no URL still maps: "Attribution-NonCommercial-ShareAlike License"."""
    rsp = edited_history(
        new_license="Attribution-NonCommercial-ShareAlike License", new_license_url=""
    )
    assert parsers.parse_licence_history(rsp)[0].new_licence_id == "cc-by-nc-sa-2.0"


def test_licence_history_matches_http_urls() -> None:
    """An http:// URL without its trailing slash maps like the https:// one."""
    rsp = edited_history(
        new_license="", new_license_url="http://creativecommons.org/licenses/by/2.0"
    )
    assert parsers.parse_licence_history(rsp)[0].new_licence_id == "cc-by-2.0"


def test_an_unrecognised_licence_in_history_is_flagged_unknown() -> None:
    """An unknown name and URL become an unknown-… id that is_unknown flags."""
    rsp = edited_history(new_license="Some Future Licence", new_license_url="https://example.org/l")
    new_id = parsers.parse_licence_history(rsp)[0].new_licence_id
    assert new_id == "unknown-some-future-licence"
    assert is_unknown(new_id)


# -- EXIF ---------------------------------------------------------------------------------------


def test_exif_tags_have_tagspace_tag_label_and_values() -> None:
    """Each EXIF tag keeps tagspace, tag, label, raw; clean is None when absent."""
    with use_recording(data.PHOTO_WITH_EXIF_RECORDING), recorded_client() as client:
        exif = client.get_exif(data.PHOTO_WITH_EXIF)
    assert len(exif) == 5
    first = exif[0]
    assert (first.tagspace, first.tag, first.label, first.raw, first.clean) == (
        "JFIF",
        "JFIFVersion",
        "JFIFVersion",
        "1.02",
        None,
    )


def test_an_empty_exif_raw_is_none() -> None:
    """<raw /> gives raw None while <clean> is kept."""
    with use_recording(data.PHOTO_WITH_EMPTY_EXIF_RAW_RECORDING), recorded_client() as client:
        exif = {tag.tag: tag for tag in client.get_exif(data.PHOTO_WITH_EMPTY_EXIF_RAW)}
    assert exif["UserComment"].raw is None
    assert exif["UserComment"].clean is not None
    assert (exif["XResolution"].raw, exif["XResolution"].clean) == ("300", "300 dpi")


# -- people --------------------------------------------------------------------------------------


def test_people_in_photo_are_listed() -> None:
    """Each person has NSID, username, realname, path alias and who tagged them."""
    with use_recording(data.PHOTO_WITH_TWO_PEOPLE_RECORDING), recorded_client() as client:
        people = client.list_people(data.PHOTO_WITH_TWO_PEOPLE)
    assert [(p.nsid, p.realname) for p in people] == [
        ("48857242@N00", "Simon Wistow"),
        ("87944415@N00", "Simon Batistoni"),
    ]
    assert (people[0].added_by, people[0].is_deleted, people[0].x) == ("8107300@N03", False, None)


def test_a_person_hiding_their_realname_has_none() -> None:
    """No realname attribute gives realname None; entities in usernames are decoded."""
    with (
        use_recording(data.PHOTO_WITH_PERSON_HIDING_REALNAME_RECORDING),
        recorded_client() as client,
    ):
        [person] = client.list_people(data.PHOTO_WITH_PERSON_HIDING_REALNAME)
    assert (person.username, person.realname) == ("WF&DT", None)


# -- users ---------------------------------------------------------------------------------------


def test_user_info_has_names_urls_and_counts() -> None:
    """people.getInfo gives username, realname, URLs and photo count; empty fields are None."""
    with use_recording(data.USER_WITH_REALNAME_RECORDING), recorded_client() as client:
        user = client.get_user(data.USER_WITH_REALNAME)
    assert (user.nsid, user.username, user.realname) == ("199246608@N02", "cefarrjf87", "Alex Chan")
    assert (user.path_alias, user.location, user.description) == (None, None, None)
    assert user.photos_url == "https://www.flickr.com/photos/199246608@N02/"
    assert (user.photo_count, user.is_pro) == (38, False)


def test_a_user_without_realname_has_none() -> None:
    """A <person> with no <realname> element gives realname None."""
    with use_recording(data.USER_WITHOUT_REALNAME_RECORDING), recorded_client() as client:
        user = client.get_user(data.USER_WITHOUT_REALNAME)
    assert user.realname is None
    assert user.location == "Washington, DC"


def test_a_user_with_a_misspelt_realname_is_fixed() -> None:
    """people.getInfo applies the same realname fixes as photos.getInfo."""
    with use_recording(data.USER_WITH_MISSPELT_REALNAME_RECORDING), recorded_client() as client:
        user = client.get_user(data.USER_WITH_MISSPELT_REALNAME)
    assert user.realname == "Stockholm Transport Museum"


def test_a_user_id_with_lower_case_n_is_normalised() -> None:
    """An NSID typed with a lower-case n is sent (and matched) with an upper-case N."""
    with use_recording(data.USER_WITH_LOCATION_RECORDING), recorded_client() as client:
        user = client.get_user(data.USER_WITH_LOCATION.replace("@N", "@n"))
    assert (user.nsid, user.location) == (data.USER_WITH_LOCATION, "Kyoto, Japan")


# -- licences ------------------------------------------------------------------------------------


def test_licences_are_keyed_by_licence_id() -> None:
    """photos.licenses.getInfo gives all 17 licences under our ids with Flickr's labels."""
    with use_recording(data.LICENCES_RECORDING), recorded_client() as client:
        licences = client.get_licences()
    assert len(licences) == 17
    assert licences["cc-by-2.0"].label == "CC BY 2.0"
    assert licences["nkcr"].url == "https://www.flickr.com/commons/usage/"


def test_a_new_licence_number_in_the_table_becomes_unknown_n() -> None:
    """A licence number not in flickr.licenses is kept as unknown-<n>."""
    rsp = recorded_rsp(data.LICENCES_RECORDING, "flickr.photos.licenses.getInfo")
    new = Element("license", {"id": "17", "name": "CC BY 5.0", "url": "https://example.org/"})
    rsp.find("licenses").append(new)  # type: ignore[union-attr]
    licences = parsers.parse_licences(rsp)
    assert licences["unknown-17"].label == "CC BY 5.0"
