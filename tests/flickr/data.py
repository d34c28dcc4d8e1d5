"""Named test data: which recorded Flickr ids show what (see ../shared/flickr-recordings/INDEX.md).

Each constant is an id together with the recording that holds it, so a test reads as the
behaviour it checks rather than as a number.
"""

from __future__ import annotations

SINGLE = "flickr-photos-api/TestGetSinglePhoto"

# -- photos.getInfo -----------------------------------------------------------------------

# An ordinary public photo: title, description, tags, US Government licence (8), jpg original.
ORDINARY_PHOTO = "32812033543"
ORDINARY_PHOTO_RECORDING = f"{SINGLE}.test_get_single_photo.yml"

# takenunknown="1": Flickr filled in a date, but the owner does not know it.
PHOTO_WITH_NO_DATE_TAKEN = "50567413447"
PHOTO_WITH_NO_DATE_TAKEN_RECORDING = "flinumeratr/test_it_doesnt_show_date_taken_if_not_known.yml"
# The same photo in a recording whose bodies are gzip-compressed (base64 in the YAML).
GZIPPED_PHOTO_RECORDING = "flinumeratr/test_results_page_shows_info_box[single_photo].yml"
PHOTO_WITH_TAKEN_UNKNOWN = "25868667441"
PHOTO_WITH_TAKEN_UNKNOWN_RECORDING = (
    f"{SINGLE}.test_sets_date_unknown_on_date_taken[25868667441].yml"
)
# taken="0000-01-01 00:00:00" with takenunknown="0".
PHOTO_TAKEN_IN_YEAR_ZERO = "3701264363"
PHOTO_TAKEN_IN_YEAR_ZERO_RECORDING = (
    f"{SINGLE}.test_sets_date_unknown_on_date_taken[3701264363].yml"
)
# taken="0000-00-00 00:00:00": a video with no date at all.
VIDEO_WITH_ZERO_DATE = "52052991809"
VIDEO_WITH_ZERO_DATE_RECORDING = f"{SINGLE}.test_sets_date_unknown_on_date_taken[52052991809].yml"

# takengranularity="6": only the year (1950) is known.
PHOTO_WITH_YEAR_GRANULARITY = "5240741057"
PHOTO_WITH_YEAR_GRANULARITY_RECORDING = f"{SINGLE}.test_sets_granularity_on_date_taken.yml"
# takengranularity="8": circa 1912. Also has 31 notes and a machine tag.
PHOTO_WITH_NOTES = "2959326615"
PHOTO_WITH_NOTES_RECORDING = f"{SINGLE}.test_photo_with_notes.yml"

# A location with place names, and one whose accuracy="0" means "no location".
PHOTO_WITH_LOCATION = "52994452213"
PHOTO_WITH_LOCATION_RECORDING = f"{SINGLE}.test_gets_location_for_photo.yml"
PHOTO_WITH_ZERO_ACCURACY = "52578982111"
PHOTO_WITH_ZERO_ACCURACY_RECORDING = f"{SINGLE}.test_it_discards_location_if_accuracy_is_zero.yml"
PHOTO_WITHOUT_LOCATION = "53305573272"
PHOTO_WITHOUT_LOCATION_RECORDING = f"{SINGLE}.test_get_empty_location_for_photo_without_geo.yml"

# <title /> and <description />.
PHOTO_WITH_EMPTY_TITLE = "20967567081"
PHOTO_WITH_EMPTY_TITLE_RECORDING = f"{SINGLE}.test_empty_photo_title_is_none.yml"
PHOTO_WITH_EMPTY_DESCRIPTION = "5536044022"
PHOTO_WITH_EMPTY_DESCRIPTION_RECORDING = f"{SINGLE}.test_empty_photo_description_is_none.yml"
# Owner with realname="".
PHOTO_WITH_EMPTY_OWNER_REALNAME = "31073485032"
PHOTO_WITH_EMPTY_OWNER_REALNAME_RECORDING = f"{SINGLE}.test_sets_realname_to_none_if_empty.yml"
# Owner with path_alias="".
PHOTO_WITH_EMPTY_PATH_ALIAS = "4895431370"
PHOTO_WITH_EMPTY_PATH_ALIAS_RECORDING = f"{SINGLE}.test_sets_path_alias_to_none_if_empty.yml"

# Downloads disabled: no originalsecret, no originalformat, candownload="0".
PHOTO_WITH_DOWNLOADS_DISABLED = "53248070597"
PHOTO_WITH_DOWNLOADS_DISABLED_RECORDING = (
    f"{SINGLE}.test_gets_original_format[53248070597-None].yml"
)
PNG_PHOTO = "12533665685"
PNG_PHOTO_RECORDING = f"{SINGLE}.test_gets_original_format[12533665685-png].yml"

# A video: media="video", and getSizes lists video sizes with width="" height="".
VIDEO = "4960396261"
VIDEO_RECORDING = f"{SINGLE}.test_it_can_get_a_video.yml"

# Realnames Flickr gets wrong: empty (upside-down username) and "tockholm Transport Museum".
PHOTO_BY_BEACHCOMBER = "27242558570"
PHOTO_BY_BEACHCOMBER_RECORDING = f"{SINGLE}.test_fixes_beachcomber_australia_realname.yml"
PHOTO_BY_STOCKHOLM_MUSEUM = "29826215532"
PHOTO_BY_STOCKHOLM_MUSEUM_RECORDING = (
    f"{SINGLE}.test_fixes_realname[29826215532-Stockholm Transport Museum].yml"
)

# A tag with raw="" and no text, among 17 real ones.
PHOTO_WITH_EMPTY_TAG = "52483149404"
PHOTO_WITH_EMPTY_TAG_RECORDING = f"{SINGLE}.test_a_photo_with_an_empty_tag.yml"
# Machine tags (machine_tag="1").
PHOTO_WITH_MACHINE_TAGS = "51281775881"
PHOTO_WITH_MACHINE_TAGS_RECORDING = f"{SINGLE}.test_gets_machine_tags.yml"

# people haspeople="1" / "0".
PHOTO_WITH_PEOPLE = "54216619200"
PHOTO_WITH_PEOPLE_RECORDING = f"{SINGLE}.test_has_people[54216619200-True].yml"

# A licence number Flickr does not (yet) have: used to check unknown-<n>.
UNSEEN_LICENCE_NUMBER = "99"

# -- other photo methods ------------------------------------------------------------------

# The 1,329 comments of 2960116125 come in one unpaginated response.
PHOTO_WITH_MANY_COMMENTS = "2960116125"
PHOTO_WITH_MANY_COMMENTS_RECORDING = (
    "flickr-photos-api/TestListAllComments.test_finds_all_comments[2960116125-1329].yml"
)
PHOTO_WITH_COMMENT_WITHOUT_REALNAME = "40373414385"
PHOTO_WITH_COMMENT_WITHOUT_REALNAME_RECORDING = (
    "flickr-photos-api/TestListAllComments.test_if_no_realname_then_empty.yml"
)

PHOTO_WITH_EXIF = "283148152"
PHOTO_WITH_EXIF_RECORDING = "flickr-photos-api/TestGetExif.test_get_exif.yml"
PHOTO_WITH_EMPTY_EXIF_RAW = "9682774177"
PHOTO_WITH_EMPTY_EXIF_RAW_RECORDING = (
    "flickr-photos-api/TestGetExif.test_get_exif_with_empty_raw.yml"
)
PHOTO_WITH_HIDDEN_EXIF = "54208962452"
PHOTO_WITH_HIDDEN_EXIF_RECORDING = (
    "flickr-photos-api/TestGetExif.test_get_exif_with_permission_denied.yml"
)

PHOTO_IN_ALBUMS = "51800056877"
PHOTO_IN_ALBUMS_RECORDING = "flickr-photos-api/TestGetPhotoContexts.test_gets_album_info.yml"
PHOTO_IN_GROUPS_AND_GALLERIES = "53563844904"
PHOTO_IN_GROUPS_AND_GALLERIES_RECORDING = (
    "flickr-photos-api/TestGetPhotoContexts.test_gets_gallery_info.yml"
)
PHOTO_WITHOUT_CONTEXTS = "53645428203"
PHOTO_WITHOUT_CONTEXTS_RECORDING = (
    "flickr-photos-api/TestGetPhotoContexts.test_gets_empty_lists_if_no_contexts.yml"
)

# Two licence changes: All Rights Reserved -> Public Domain Mark -> No known copyright restrictions.
PHOTO_WITH_CHANGED_LICENCE = "54450311696"
PHOTO_WITH_CHANGED_LICENCE_RECORDING = (
    "flickr-photos-api/TestGetLicenseHistory.test_photo_with_changed_license.yml"
)
# One entry whose new licence is empty (name and URL).
PHOTO_WITH_INITIAL_LICENCE = "3948976954"
PHOTO_WITH_INITIAL_LICENCE_RECORDING = (
    "flickr-photos-api/TestGetLicenseHistory.test_photo_with_initial_license.yml"
)

PHOTO_WITH_TWO_PEOPLE = "19403592468"
PHOTO_WITH_TWO_PEOPLE_RECORDING = (
    "flickr-photos-api/TestListPeopleInPhoto.test_photo_with_multiple_people.yml"
)
PHOTO_WITH_PERSON_HIDING_REALNAME = "3417584159"
PHOTO_WITH_PERSON_HIDING_REALNAME_RECORDING = (
    "flickr-photos-api/TestListPeopleInPhoto.test_photo_with_person_with_hidden_realname.yml"
)

# -- errors ----------------------------------------------------------------------------------

# A private photo: code 1 on photos.getInfo.
PRIVATE_PHOTO = "35366357641"
PRIVATE_PHOTO_RECORDING = "flickr-photos-api/TestPrivatePhotos.test_get_private_photo_is_error.yml"
MISSING_PHOTO = "12345678901234567890"
MISSING_PHOTO_SIZES_RECORDING = (
    "flickr-photos-api/TestGetSinglePhotoSizes."
    "test_non_existent_photo_is_error[12345678901234567890].yml"
)
MISSING_PHOTO_EXIF_RECORDING = (
    "flickr-photos-api/TestGetExif.test_non_existent_photo_is_error[12345678901234567890].yml"
)

RETRY_5XX_RECORDING = "flickr-photos-api/test_retries_5xx_error.yml"
RETRY_201_RECORDING = "flickr-photos-api/test_retries_error_code_201.yml"
RETRY_INVALID_XML_RECORDING = "flickr-photos-api/test_retries_invalid_xml_error.yml"
PERSISTENT_5XX_RECORDING = "flickr-photos-api/test_a_persistent_5xx_error_is_raised.yml"
PERSISTENT_201_RECORDING = "flickr-photos-api/test_a_persistent_error_201_is_raised.yml"
PERSISTENT_INVALID_XML_RECORDING = (
    "flickr-photos-api/test_a_persistent_invalid_xml_error_is_raised.yml"
)
INVALID_KEY_RECORDING = "flickr-photos-api/test_it_throws_if_bad_auth.yml"
CODE_99_RECORDING = "flickr-photos-api/test_an_unrecognised_error_is_generic_exception.yml"
CODE_1_WITHOUT_PHOTO_RECORDING = (
    "flickr-photos-api/test_error_code_1_is_unrecognised_if_not_found.yml"
)

# -- users and licences ---------------------------------------------------------------------

DELETED_USER = "48143042@N05"
DELETED_USER_RECORDING = "flickr-photos-api/TestGetUser.test_get_deleted_user_id.yml"
USER_WITH_REALNAME = "199246608@N02"
USER_WITH_REALNAME_RECORDING = "flickr-photos-api/TestGetUser.test_get_user_by_url.yml"
USER_WITHOUT_REALNAME = "35591378@N03"
USER_WITHOUT_REALNAME_RECORDING = (
    "flickr-photos-api/TestGetUser.test_gets_realname[35591378@N03-None].yml"
)
USER_WITH_LOCATION = "47062778@N06"
USER_WITH_LOCATION_RECORDING = "flickr-photos-api/TestGetUser.test_gets_user_location_if_set.yml"
USER_WITH_MISSPELT_REALNAME = "62173425@N02"
USER_WITH_MISSPELT_REALNAME_RECORDING = (
    "flickr-photos-api/TestGetUser.test_fixes_realname[62173425@N02-Stockholm Transport Museum].yml"
)

LICENCES_RECORDING = "flickr-photos-api/TestLicenseMethods.test_get_licenses.yml"

# -- static files ---------------------------------------------------------------------------

DOWNLOADABLE_FILE = "https://live.staticflickr.com/65535/53574198477_fba34d20ca_c_d.jpg"
DOWNLOADABLE_FILE_RECORDING = "flickr-photos-api/test_download_photo.yml"
MISSING_FILE = "https://live.staticflickr.com/65535/doesnotexist.jpg"
MISSING_FILE_RECORDING = "flickr-photos-api/test_not_found_is_error.yml"
