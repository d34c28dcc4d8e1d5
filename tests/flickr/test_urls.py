"""The Flickr URL parser (DESIGN 5.4): every accepted form, every near-miss."""

from __future__ import annotations

import pytest

from flickr.urls import (
    NotAFlickrUrl,
    UnrecognisedUrl,
    decode_base58,
    encode_base58,
    is_valid_photo_id,
    parse_flickr_url,
    parse_photo_reference,
)

# Members and groups seen in the recordings (../shared/flickr-recordings) and on Flickr.
LIAM = "https://www.flickr.com/photos/liamdonnelly/"
NSID_MEMBER = "https://www.flickr.com/photos/22155283@N07/"
BRAMPITOYO = "https://www.flickr.com/photos/brampitoyo/"
CAT_TAC = "https://www.flickr.com/photos/cat_tac/"
PELLE = "https://www.flickr.com/photos/pellethepoet/"
BLUEMINDS = "https://www.flickr.com/photos/blueminds/"
SLOVENIA = "https://www.flickr.com/groups/slovenia"

# Characters str.isdigit() calls digits (int() and an unqualified \d accept all but the
# superscripts), none of which may appear in a photo id.
ARABIC_INDIC_12345 = "\u0661\u0662\u0663\u0664\u0665"
FULL_WIDTH_12345 = "\uff11\uff12\uff13\uff14\uff15"
SUPERSCRIPT_123 = "\u00b9\u00b2\u00b3"


def photo(photo_id: str, user_url: str | None = None, user_id: str | None = None) -> dict:
    return {"type": "single_photo", "photo_id": photo_id, "user_url": user_url, "user_id": user_id}


def album(user_url: str, album_id: str, page: int = 1) -> dict:
    return {"type": "album", "user_url": user_url, "album_id": album_id, "page": page}


def user(user_url: str, user_id: str | None = None, page: int = 1) -> dict:
    return {"type": "user", "user_url": user_url, "user_id": user_id, "page": page}


def group(group_url: str, page: int = 1) -> dict:
    return {"type": "group", "group_url": group_url, "page": page}


def gallery(gallery_id: str, page: int = 1) -> dict:
    return {"type": "gallery", "gallery_id": gallery_id, "page": page}


def tag(name: str, page: int = 1) -> dict:
    return {"type": "tag", "tag": name, "page": page}


HOMEPAGE = {"type": "homepage"}

ACCEPTED = [
    # --- the home page ---
    pytest.param("https://www.flickr.com", HOMEPAGE, id="home-www-https"),
    pytest.param("https://www.flickr.com/", HOMEPAGE, id="home-www-https-slash"),
    pytest.param("http://flickr.com/", HOMEPAGE, id="home-bare-http"),
    pytest.param("flickr.com", HOMEPAGE, id="home-no-scheme"),
    pytest.param("www.flickr.com/?ytcheck=1", HOMEPAGE, id="home-query-ignored"),
    pytest.param("https://m.flickr.com/", HOMEPAGE, id="home-mobile"),
    pytest.param("https://flic.kr", HOMEPAGE, id="home-flic-kr"),
    pytest.param("https://flic.kr/", HOMEPAGE, id="home-flic-kr-slash"),
    # --- photo pages on www.flickr.com ---
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-www-https-slash",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947",
        photo("435193947", LIAM),
        id="photo-no-trailing-slash",
    ),
    pytest.param(
        "http://www.flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-http",
    ),
    pytest.param(
        "https://flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-bare-domain",
    ),
    pytest.param(
        "www.flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-no-scheme-www",
    ),
    pytest.param(
        "flickr.com/photos/liamdonnelly/435193947",
        photo("435193947", LIAM),
        id="photo-no-scheme-bare",
    ),
    pytest.param(
        "//www.flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-protocol-relative",
    ),
    pytest.param(
        "HTTPS://WWW.FLICKR.COM/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-upper-case-scheme-and-host",
    ),
    pytest.param(
        "https://www.flickr.com/Photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-capitalised-photos",
    ),
    pytest.param(
        "  https://www.flickr.com/photos/liamdonnelly/435193947/\n",
        photo("435193947", LIAM),
        id="photo-surrounding-whitespace",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/?rb=1",
        photo("435193947", LIAM),
        id="photo-query-ignored",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/?utm_source=share&utm_medium=x",
        photo("435193947", LIAM),
        id="photo-tracking-query-ignored",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/#comment72157600000000000",
        photo("435193947", LIAM),
        id="photo-fragment-ignored",
    ),
    pytest.param(
        "https://www.flickr.com:443/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-explicit-port",
    ),
    pytest.param(
        "https://www.flickr.com./photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-fully-qualified-host",
    ),
    pytest.param(
        "https://www.flickr.com//photos//liamdonnelly//435193947//",
        photo("435193947", LIAM),
        id="photo-doubled-slashes",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/photostream/",
        photo("435193947", LIAM),
        id="photo-in-photostream",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/photostream/lightbox/",
        photo("435193947", LIAM),
        id="photo-in-photostream-lightbox",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/album-72157666833379009/",
        photo("435193947", LIAM),
        id="photo-in-album",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/set-72157666833379009",
        photo("435193947", LIAM),
        id="photo-in-set",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/pool-slovenia/",
        photo("435193947", LIAM),
        id="photo-in-pool",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/faves-blueminds/",
        photo("435193947", LIAM),
        id="photo-in-faves",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/in/dateposted-public/",
        photo("435193947", LIAM),
        id="photo-in-dateposted",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/sizes/l/",
        photo("435193947", LIAM),
        id="photo-sizes-l",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/sizes/o/",
        photo("435193947", LIAM),
        id="photo-sizes-o",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/lightbox/",
        photo("435193947", LIAM),
        id="photo-lightbox",
    ),
    pytest.param(
        "https://www.flickr.com/photos/liamdonnelly/435193947/meta/",
        photo("435193947", LIAM),
        id="photo-meta",
    ),
    pytest.param(
        "https://www.flickr.com/photos/brampitoyo/4960396261/play/700/18120df31a/",
        photo("4960396261", BRAMPITOYO),
        id="photo-video-player-page",
    ),
    pytest.param(
        "https://www.flickr.com/photos/22155283@N07/3276369863",
        photo("3276369863", NSID_MEMBER, "22155283@N07"),
        id="photo-member-nsid",
    ),
    pytest.param(
        "https://www.flickr.com/photos/22155283@n07/3276369863/",
        photo("3276369863", NSID_MEMBER, "22155283@N07"),
        id="photo-member-nsid-lower-case-n",
    ),
    pytest.param(
        "https://www.flickr.com/photos/22155283%40N07/3276369863/",
        photo("3276369863", NSID_MEMBER, "22155283@N07"),
        id="photo-member-nsid-percent-encoded",
    ),
    pytest.param(
        "https://www.flickr.com/photos/australian-war-memorial/5714009995/",
        photo("5714009995", "https://www.flickr.com/photos/australian-war-memorial/"),
        id="photo-member-alias-with-hyphens",
    ),
    pytest.param(
        "https://www.flickr.com/photo/liamdonnelly/435193947",
        photo("435193947", LIAM),
        id="photo-singular-photo-path",
    ),
    pytest.param(
        "https://m.flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-mobile-site",
    ),
    pytest.param(
        "https://m.flickr.com/#/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-old-mobile-site-fragment-path",
    ),
    pytest.param(
        "https://secure.flickr.com/photos/liamdonnelly/435193947/",
        photo("435193947", LIAM),
        id="photo-secure-host",
    ),
    # --- short links and old .gne pages ---
    pytest.param("https://flic.kr/p/2p4QbKN", photo("53208249252"), id="short-https"),
    pytest.param("http://flic.kr/p/2p4QbKN", photo("53208249252"), id="short-http"),
    pytest.param("flic.kr/p/2p4QbKN", photo("53208249252"), id="short-no-scheme"),
    pytest.param("https://flic.kr/p/2p4QbKN/", photo("53208249252"), id="short-trailing-slash"),
    pytest.param("https://www.flic.kr/p/2p4QbKN", photo("53208249252"), id="short-www"),
    pytest.param("https://flic.kr/p/8ykjZt", photo("4960396261"), id="short-six-characters"),
    pytest.param("https://flic.kr/p/EstZV", photo("435193947"), id="short-five-characters"),
    pytest.param(
        "https://www.flickr.com/photo.gne?id=435193947", photo("435193947"), id="gne-photo-id"
    ),
    pytest.param(
        "http://flickr.com/photo.gne?id=435193947&rb=1", photo("435193947"), id="gne-extra-param"
    ),
    pytest.param(
        "https://www.flickr.com/photo_zoom.gne?id=435193947&size=l",
        photo("435193947"),
        id="gne-photo-zoom",
    ),
    pytest.param(
        "https://www.flickr.com/photo_exif.gne?id=435193947",
        photo("435193947"),
        id="gne-photo-exif",
    ),
    pytest.param(
        "https://www.flickr.com/photo.gne?short=2p4QbKN", photo("53208249252"), id="gne-short"
    ),
    pytest.param(
        "https://www.flickr.com/apps/video/stewart.swf?v=1710975344&photo_id=4960396261"
        "&photo_secret=18120df31a",
        photo("4960396261"),
        id="old-video-player",
    ),
    # --- image and video files on the static hosts ---
    pytest.param(
        "https://live.staticflickr.com/65535/53208249252_e4c1c4e6b1_b.jpg",
        photo("53208249252"),
        id="static-live-with-size",
    ),
    pytest.param(
        "https://live.staticflickr.com/65535/53208249252_e4c1c4e6b1.jpg",
        photo("53208249252"),
        id="static-live-without-size",
    ),
    pytest.param(
        "https://live.staticflickr.com/65535/53208249252_9a0b1c2d3e_o.png",
        photo("53208249252"),
        id="static-live-original-png",
    ),
    pytest.param(
        "https://live.staticflickr.com/65535/53208249252_e4c1c4e6b1_o_d.jpg",
        photo("53208249252"),
        id="static-live-download-suffix",
    ),
    pytest.param(
        "https://live.staticflickr.com/65535/53208249252_e4c1c4e6b1_3k.JPG",
        photo("53208249252"),
        id="static-live-upper-case-extension",
    ),
    pytest.param(
        "live.staticflickr.com/65535/53208249252_e4c1c4e6b1_b.jpg?s=eyJp",
        photo("53208249252"),
        id="static-live-no-scheme-with-query",
    ),
    pytest.param(
        "https://farm66.staticflickr.com/65535/53208249252_e4c1c4e6b1_b.jpg",
        photo("53208249252"),
        id="static-farm-staticflickr",
    ),
    pytest.param(
        "https://farm1.staticflickr.com/1/1234_abcdef1234.jpg",
        photo("1234"),
        id="static-farm1-server1",
    ),
    pytest.param(
        "https://c1.staticflickr.com/9/8101/8535768128_1c9f3b19ce_b.jpg",
        photo("8535768128"),
        id="static-c1-farm-and-server",
    ),
    pytest.param(
        "https://c2.staticflickr.com/6/5101/5734131785_dea657ba4f_t.jpg",
        photo("5734131785"),
        id="static-c2",
    ),
    pytest.param(
        "http://photos23.flickr.com/31832307_ae96f8af01_o.jpg",
        photo("31832307"),
        id="static-photos-n-flickr-com",
    ),
    pytest.param(
        "http://static.flickr.com/101/274941335_14561ab30e_m.jpg",
        photo("274941335"),
        id="static-static-flickr-com",
    ),
    pytest.param(
        "http://farm1.static.flickr.com/166/429674617_16dc4cd013_o.gif?v=0",
        photo("429674617"),
        id="static-farm-static-flickr-com-gif",
    ),
    pytest.param(
        "http://farm3.static.flickr.com/2360/2053216195_069c281c7d.jpg?v=0",
        photo("2053216195"),
        id="static-farm3-static-flickr-com",
    ),
    pytest.param(
        "https://live.staticflickr.com/video/52868534222/346a41e5a9/1080p.mp4?s=eyJpIjo1Mn0",
        photo("52868534222"),
        id="static-video-1080p",
    ),
    pytest.param(
        "https://live.staticflickr.com/video/52052991809/fdda0e4aab/360p.mp4",
        photo("52052991809"),
        id="static-video-360p",
    ),
    pytest.param(
        "https://live.staticflickr.com/video/52052991809/fdda0e4aab/",
        photo("52052991809"),
        id="static-video-folder",
    ),
    # --- albums ---
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009",
        album(CAT_TAC, "72157666833379009"),
        id="album",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009/",
        album(CAT_TAC, "72157666833379009"),
        id="album-trailing-slash",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/sets/72157666833379009/",
        album(CAT_TAC, "72157666833379009"),
        id="album-as-set",
    ),
    pytest.param(
        "https://www.flickr.com/photos/pellethepoet/sets/72157693630234402",
        album(PELLE, "72157693630234402"),
        id="album-as-set-from-a-comment",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009/page3",
        album(CAT_TAC, "72157666833379009", page=3),
        id="album-page",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009/page12/",
        album(CAT_TAC, "72157666833379009", page=12),
        id="album-page-trailing-slash",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/sets/72157666833379009/page2",
        album(CAT_TAC, "72157666833379009", page=2),
        id="album-as-set-page",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009/with/26896357651",
        album(CAT_TAC, "72157666833379009"),
        id="album-with-photo",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009/with/26896357651/",
        album(CAT_TAC, "72157666833379009"),
        id="album-with-photo-trailing-slash",
    ),
    pytest.param(
        "flickr.com/photos/cat_tac/albums/72157666833379009",
        album(CAT_TAC, "72157666833379009"),
        id="album-no-scheme",
    ),
    pytest.param(
        "http://flickr.com/photos/cat_tac/albums/72157666833379009?foo=bar#top",
        album(CAT_TAC, "72157666833379009"),
        id="album-query-and-fragment",
    ),
    pytest.param(
        "https://www.flickr.com/photos/22155283@n07/albums/72157666833379009",
        album(NSID_MEMBER, "72157666833379009"),
        id="album-member-nsid",
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/Albums/72157666833379009/Page2",
        album(CAT_TAC, "72157666833379009", page=2),
        id="album-capitalised-keywords",
    ),
    # --- members' photostreams ---
    pytest.param("https://www.flickr.com/photos/blueminds/", user(BLUEMINDS), id="user"),
    pytest.param("https://www.flickr.com/photos/blueminds", user(BLUEMINDS), id="user-no-slash"),
    pytest.param("flickr.com/photos/blueminds", user(BLUEMINDS), id="user-no-scheme"),
    pytest.param(
        "https://www.flickr.com/photos/blueminds/page3", user(BLUEMINDS, page=3), id="user-page"
    ),
    pytest.param(
        "https://www.flickr.com/photos/blueminds/page3/?details=1",
        user(BLUEMINDS, page=3),
        id="user-page-with-query",
    ),
    pytest.param(
        "https://www.flickr.com/photos/blueminds/with/26896357651",
        user(BLUEMINDS),
        id="user-with-photo",
    ),
    pytest.param("https://www.flickr.com/people/blueminds/", user(BLUEMINDS), id="people"),
    pytest.param("https://www.flickr.com/people/blueminds", user(BLUEMINDS), id="people-no-slash"),
    pytest.param(
        "https://www.flickr.com/photos/blueminds/albums", user(BLUEMINDS), id="user-album-list"
    ),
    pytest.param(
        "https://www.flickr.com/photos/blueminds/sets/", user(BLUEMINDS), id="user-set-list"
    ),
    pytest.param(
        "https://www.flickr.com/photos/blueminds/galleries/",
        user(BLUEMINDS),
        id="user-gallery-list",
    ),
    pytest.param(
        "https://www.flickr.com/photos/197130754@N07/",
        user("https://www.flickr.com/photos/197130754@N07/", "197130754@N07"),
        id="user-nsid",
    ),
    pytest.param(
        "http://www.flickr.com/photos/194022791@n07",
        user("https://www.flickr.com/photos/194022791@N07/", "194022791@N07"),
        id="user-nsid-lower-case-n",
    ),
    pytest.param(
        "https://www.flickr.com/people/197130754@N07/",
        user("https://www.flickr.com/photos/197130754@N07/", "197130754@N07"),
        id="people-nsid",
    ),
    pytest.param(
        "http://flickr.com/photos/australian-war-memorial/",
        user("https://www.flickr.com/photos/australian-war-memorial/"),
        id="user-alias-with-hyphens",
    ),
    pytest.param(
        "https://commons.flickr.org/members/nasacommons/",
        user("https://www.flickr.com/photos/nasacommons/"),
        id="commons-explorer-member",
    ),
    pytest.param(
        "commons.flickr.org/members/nasacommons",
        user("https://www.flickr.com/photos/nasacommons/"),
        id="commons-explorer-member-no-scheme",
    ),
    pytest.param(
        "https://commons.flickr.org/members/8623220@n02/",
        user("https://www.flickr.com/photos/8623220@N02/", "8623220@N02"),
        id="commons-explorer-member-nsid",
    ),
    # --- groups and their pools ---
    pytest.param("https://www.flickr.com/groups/slovenia/", group(SLOVENIA), id="group"),
    pytest.param("https://www.flickr.com/groups/slovenia", group(SLOVENIA), id="group-no-slash"),
    pytest.param("https://www.flickr.com/groups/slovenia/pool/", group(SLOVENIA), id="group-pool"),
    pytest.param(
        "https://www.flickr.com/groups/slovenia/pool", group(SLOVENIA), id="group-pool-no-slash"
    ),
    pytest.param(
        "https://www.flickr.com/groups/slovenia/pool/page30",
        group(SLOVENIA, page=30),
        id="group-pool-page",
    ),
    pytest.param(
        "https://www.flickr.com/groups/slovenia/pool/with/26896357651/",
        group(SLOVENIA),
        id="group-pool-with-photo",
    ),
    pytest.param(
        "http://flickr.com/groups/score1to20on20/",
        group("https://www.flickr.com/groups/score1to20on20"),
        id="group-http-bare",
    ),
    pytest.param(
        "http://www.flickr.com/groups/1372205@N21//",
        group("https://www.flickr.com/groups/1372205@N21"),
        id="group-nsid-double-slash",
    ),
    pytest.param(
        "http://www.flickr.com/groups/1372205@n21/",
        group("https://www.flickr.com/groups/1372205@N21"),
        id="group-nsid-lower-case-n",
    ),
    pytest.param(
        "http://www.flickr.com/groups/1053588@N22/pool/",
        group("https://www.flickr.com/groups/1053588@N22"),
        id="group-nsid-pool",
    ),
    pytest.param(
        "http://www.flickr.com/groups/artnet_contemporary_artists__-_invited_only_-/",
        group("https://www.flickr.com/groups/artnet_contemporary_artists__-_invited_only_-"),
        id="group-alias-with-punctuation",
    ),
    pytest.param("flickr.com/groups/slovenia/pool", group(SLOVENIA), id="group-no-scheme"),
    # --- galleries ---
    pytest.param(
        "https://www.flickr.com/photos/200106187@N03/galleries/72157722621221710",
        gallery("72157722621221710"),
        id="gallery",
    ),
    pytest.param(
        "https://www.flickr.com/photos/200106187@N03/galleries/72157722621221710/",
        gallery("72157722621221710"),
        id="gallery-trailing-slash",
    ),
    pytest.param(
        "https://www.flickr.com/photos/flickr/galleries/72157722096057728/page2",
        gallery("72157722096057728", page=2),
        id="gallery-page",
    ),
    pytest.param(
        "https://www.flickr.com/photos/flickr/gallery/72157722096057728/",
        gallery("72157722096057728"),
        id="gallery-singular",
    ),
    pytest.param(
        "https://www.flickr.com/photos/flickr/galleries/72157722096057728/with/26896357651/",
        gallery("72157722096057728"),
        id="gallery-with-photo",
    ),
    pytest.param(
        "flickr.com/photos/flickr/galleries/72157722096057728",
        gallery("72157722096057728"),
        id="gallery-no-scheme",
    ),
    # --- tags ---
    pytest.param("https://www.flickr.com/photos/tags/tennis/", tag("tennis"), id="tag"),
    pytest.param("https://www.flickr.com/photos/tags/tennis", tag("tennis"), id="tag-no-slash"),
    pytest.param(
        "https://www.flickr.com/photos/tags/tennis/page2", tag("tennis", page=2), id="tag-page"
    ),
    pytest.param("http://flickr.com/photos/tags/thatch", tag("thatch"), id="tag-http-bare"),
    pytest.param(
        "https://www.flickr.com/photos/tags/new%20york/", tag("new york"), id="tag-percent-encoded"
    ),
    pytest.param("https://www.flickr.com/photos/tags/1955/", tag("1955"), id="tag-numeric"),
    pytest.param("flickr.com/photos/tags/tennis", tag("tennis"), id="tag-no-scheme"),
]

NOT_FLICKR = [
    pytest.param("", id="empty"),
    pytest.param("   \n", id="only-whitespace"),
    pytest.param("hello world", id="plain-words"),
    pytest.param("53208249252", id="bare-photo-id"),
    pytest.param("https://example.com/photos/liamdonnelly/435193947/", id="other-domain"),
    pytest.param("example.com/photos/liamdonnelly/435193947/", id="other-domain-no-scheme"),
    pytest.param("https://flickr.com.evil.org/photos/liamdonnelly/435193947/", id="flickr-prefix"),
    pytest.param("flickr.com.evil.org/photos/liamdonnelly/435193947/", id="prefix-no-scheme"),
    pytest.param("https://notflickr.com/photos/liamdonnelly/435193947/", id="flickr-suffix"),
    pytest.param("https://wwwflickr.com/photos/liamdonnelly/435193947/", id="missing-dot"),
    pytest.param("https://flickr.net/photos/liamdonnelly/435193947/", id="flickr-net"),
    pytest.param("https://www.flickr.co/photos/liamdonnelly/435193947/", id="flickr-co"),
    pytest.param("https://flic.kr.evil.org/p/2p4QbKN", id="short-host-prefix"),
    pytest.param("https://evilstaticflickr.com/65535/53208249252_e4c1c4e6b1.jpg", id="static-fake"),
    pytest.param("https://flickr.com@evil.org/photos/liamdonnelly/435193947/", id="userinfo-trick"),
    pytest.param("https://user:pw@www.flickr.com/photos/liamdonnelly/435193947/", id="userinfo"),
    pytest.param("https://evil.org/?next=https://www.flickr.com/photos/x/1", id="flickr-in-query"),
    pytest.param("ftp://www.flickr.com/photos/liamdonnelly/435193947/", id="ftp-scheme"),
    pytest.param("file:///photos/liamdonnelly/435193947/", id="file-scheme"),
    pytest.param("javascript:alert(1)", id="javascript-scheme"),
    pytest.param("mailto:help@flickr.com", id="mailto"),
    pytest.param("https://[::1]/photos/liamdonnelly/435193947/", id="ip-address"),
    pytest.param("https://[www.flickr.com/photos/", id="broken-brackets"),
]

UNRECOGNISED = [
    pytest.param("https://www.flickr.com/groups/slovenia/discuss/", id="group-discussions"),
    pytest.param(
        "http://www.flickr.com/groups/911462@N23/discuss/72157611391341241/",
        id="group-discussion-thread",
    ),
    pytest.param("https://www.flickr.com/groups/slovenia/members/", id="group-members"),
    pytest.param("https://www.flickr.com/groups/", id="groups-without-name"),
    pytest.param("https://www.flickr.com/groups/slovenia/pool/page0", id="group-page-zero"),
    pytest.param("https://www.flickr.com/photos/", id="photos-without-member"),
    pytest.param(
        f"https://www.flickr.com/photos/liamdonnelly/{ARABIC_INDIC_12345}", id="arabic-indic-digits"
    ),
    pytest.param(
        f"https://www.flickr.com/photos/liamdonnelly/{FULL_WIDTH_12345}", id="full-width-digits"
    ),
    pytest.param(
        f"https://www.flickr.com/photo/liamdonnelly/{FULL_WIDTH_12345}", id="singular-full-width"
    ),
    pytest.param(
        f"https://www.flickr.com/photos/liamdonnelly/page{ARABIC_INDIC_12345[2]}",
        id="page-arabic-indic",
    ),
    pytest.param("https://www.flickr.com/photos/liamdonnelly/page0", id="user-page-zero"),
    pytest.param("https://www.flickr.com/photos/liamdonnelly/pageone", id="user-page-words"),
    pytest.param("https://www.flickr.com/photos/liamdonnelly/favorites/", id="favourites"),
    pytest.param("https://www.flickr.com/photos/liamdonnelly/map", id="member-map"),
    pytest.param("https://www.flickr.com/photos/bad%20name/435193947/", id="member-with-space"),
    pytest.param("https://www.flickr.com/photos/%2E%2E/435193947/", id="member-dot-dot"),
    pytest.param("https://www.flickr.com/groups/a%2Fb/pool/", id="group-with-encoded-slash"),
    pytest.param("https://www.flickr.com/photos/cat_tac/albums/abc/", id="album-id-letters"),
    pytest.param(
        f"https://www.flickr.com/photos/cat_tac/albums/{ARABIC_INDIC_12345}/", id="album-id-arabic"
    ),
    pytest.param(
        "https://www.flickr.com/photos/cat_tac/albums/72157666833379009/comments",
        id="album-unknown-suffix",
    ),
    pytest.param("https://www.flickr.com/photos/flickr/galleries/best/", id="gallery-id-letters"),
    pytest.param("https://www.flickr.com/photos/tags/", id="tags-without-tag"),
    pytest.param("https://www.flickr.com/photos/tags/tennis/interesting", id="tag-unknown-suffix"),
    pytest.param("https://www.flickr.com/people/blueminds/favorites", id="people-favourites"),
    pytest.param("https://www.flickr.com/explore", id="explore"),
    pytest.param("https://www.flickr.com/search/?text=tennis", id="search"),
    pytest.param("https://www.flickr.com/help/terms", id="help"),
    pytest.param("https://www.flickr.com/photo.gne", id="gne-without-id"),
    pytest.param("https://www.flickr.com/photo.gne?id=abc", id="gne-id-letters"),
    pytest.param(
        f"https://www.flickr.com/photo.gne?id={ARABIC_INDIC_12345}", id="gne-id-arabic-indic"
    ),
    pytest.param("https://www.flickr.com/photo.gne?id=1&id=2", id="gne-two-ids"),
    pytest.param("https://www.flickr.com/photo.gne?short=0OIl", id="gne-short-invalid"),
    pytest.param("https://www.flickr.com/groups_pool.gne?id=1234", id="gne-not-a-photo-page"),
    pytest.param("https://flic.kr/p/", id="short-without-code"),
    pytest.param("https://flic.kr/p/0OIl", id="short-invalid-characters"),
    pytest.param("https://flic.kr/p/ZZZZZZZZZZZZ", id="short-too-long"),
    pytest.param("https://flic.kr/p/2p4QbKN/extra", id="short-extra-segment"),
    pytest.param("https://flic.kr/s/aHsjybZ5ZD", id="short-album-link"),
    pytest.param("https://flic.kr/ps/3FT3hT", id="short-photostream-link"),
    pytest.param("https://live.staticflickr.com/", id="static-root"),
    pytest.param("https://live.staticflickr.com/65535/53208249252.jpg", id="static-no-secret"),
    pytest.param("https://live.staticflickr.com/65535/53208249252_.jpg", id="static-empty-secret"),
    pytest.param("https://live.staticflickr.com/65535/abc_e4c1c4e6b1.jpg", id="static-id-letters"),
    pytest.param(
        f"https://live.staticflickr.com/65535/{ARABIC_INDIC_12345}_e4c1c4e6b1.jpg",
        id="static-id-arabic",
    ),
    pytest.param(
        "https://live.staticflickr.com/65535/53208249252_e4c1c4e6b1", id="static-no-extension"
    ),
    pytest.param(
        "https://live.staticflickr.com/a/b/c/53208249252_e4c1c4e6b1.jpg", id="static-odd-folders"
    ),
    pytest.param(
        "http://farm1.static.flickr.com/23/buddyicons/19471735@N00.jpg?1162093971",
        id="static-buddy-icon",
    ),
    pytest.param("https://live.staticflickr.com/video/abc/fdda0e4aab/", id="video-id-letters"),
    pytest.param("https://live.staticflickr.com/video/52052991809/", id="video-no-secret"),
    pytest.param(
        "https://live.staticflickr.com/video/52052991809/zz!/a.mp4", id="video-bad-secret"
    ),
    pytest.param(
        "https://api.flickr.com/services/rest/?method=flickr.photos.getInfo&photo_id=1",
        id="api-host",
    ),
    pytest.param("https://identity.flickr.com/login", id="identity-host"),
    pytest.param("https://commons.flickr.org/", id="commons-explorer-home"),
    pytest.param("https://commons.flickr.org/members/", id="commons-explorer-members"),
    pytest.param("https://www.flickr.com/apps/video/stewart.swf?v=1", id="old-video-no-photo-id"),
]


@pytest.mark.parametrize(("url", "expected"), ACCEPTED)
def test_accepted_url_parses_to_its_exact_dict(url, expected):
    """Each accepted URL form gives exactly the expected dict: same type, keys and values."""
    assert parse_flickr_url(url) == expected


def test_the_table_covers_well_over_a_hundred_forms():
    """The accepted-forms table stays broad: more than a hundred distinct URLs."""
    assert len({case.values[0] for case in ACCEPTED}) > 100


@pytest.mark.parametrize("url", NOT_FLICKR)
def test_non_flickr_text_raises_not_a_flickr_url(url):
    """Text that does not point at Flickr raises NotAFlickrUrl."""
    with pytest.raises(NotAFlickrUrl):
        parse_flickr_url(url)


@pytest.mark.parametrize("url", UNRECOGNISED)
def test_unusable_flickr_url_raises_unrecognised_url(url):
    """A Flickr URL that names nothing collectable raises UnrecognisedUrl."""
    with pytest.raises(UnrecognisedUrl):
        parse_flickr_url(url)


@pytest.mark.parametrize("exception", [NotAFlickrUrl, UnrecognisedUrl])
def test_both_errors_are_value_errors(exception):
    """Callers can catch either failure as a ValueError."""
    assert issubclass(exception, ValueError)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="none"),
        pytest.param(53208249252, id="int"),
        pytest.param(b"https://flic.kr/p/2p4QbKN", id="bytes"),
        pytest.param(["https://flic.kr/p/2p4QbKN"], id="list"),
    ],
)
def test_non_string_raises_type_error(value):
    """Anything but a string is a programming error: TypeError, naming the value."""
    with pytest.raises(TypeError, match="string"):
        parse_flickr_url(value)


def test_not_a_flickr_url_message_names_the_url_and_the_accepted_forms():
    """The message quotes the URL with repr() and shows what to paste instead."""
    url = "https://example.com/photos/liamdonnelly/435193947/"
    with pytest.raises(NotAFlickrUrl) as caught:
        parse_flickr_url(url)
    message = str(caught.value)
    assert repr(url) in message
    assert "https://www.flickr.com/photos/<member>/<photo id>/" in message


def test_unrecognised_url_message_names_the_url_and_the_reason():
    """The message quotes the URL with repr() and says why it cannot be used."""
    url = "https://www.flickr.com/groups/slovenia/discuss/"
    with pytest.raises(UnrecognisedUrl) as caught:
        parse_flickr_url(url)
    message = str(caught.value)
    assert repr(url) in message
    assert "discussions" in message
    assert "album" in message


def test_album_short_link_message_says_to_paste_the_full_album_url():
    """flic.kr/s/ links cannot say whose album they are; the message says what to do."""
    with pytest.raises(UnrecognisedUrl, match="paste the album's full URL"):
        parse_flickr_url("https://flic.kr/s/aHsjybZ5ZD")


def test_page_is_an_int():
    """`page` is an int, not the string from the URL."""
    parsed = parse_flickr_url("https://www.flickr.com/photos/blueminds/page07")
    assert parsed["page"] == 7
    assert type(parsed["page"]) is int


# --- base58 (flic.kr short codes) ---

BASE58_PAIRS = [
    pytest.param(0, "1", id="zero"),
    pytest.param(1, "2", id="one"),
    pytest.param(57, "Z", id="last-digit"),
    pytest.param(58, "21", id="first-two-digit-number"),
    pytest.param(58 * 58, "211", id="58-squared"),
    pytest.param(435193947, "EstZV", id="photo-435193947"),
    pytest.param(4960396261, "8ykjZt", id="photo-4960396261"),
    pytest.param(52052991809, "2niKbY2", id="photo-52052991809"),
    pytest.param(53208249252, "2p4QbKN", id="photo-53208249252"),
]


@pytest.mark.parametrize(("number", "code"), BASE58_PAIRS)
def test_decode_base58_gives_the_number(number, code):
    """A short code decodes to its number in Flickr's alphabet."""
    assert decode_base58(code) == number


@pytest.mark.parametrize(("number", "code"), BASE58_PAIRS)
def test_encode_base58_gives_the_code(number, code):
    """A number encodes to its short code: the inverse of decoding."""
    assert encode_base58(number) == code


@pytest.mark.parametrize("code", ["", "0", "O", "I", "l", "2p4Q-KN", FULL_WIDTH_12345])
def test_decode_base58_rejects_characters_outside_the_alphabet(code):
    """0, O, I, l, punctuation, look-alikes and the empty string are not base58."""
    with pytest.raises(ValueError, match="base58"):
        decode_base58(code)


def test_encode_base58_rejects_negative_numbers():
    """A negative number has no short code."""
    with pytest.raises(ValueError, match="-1"):
        encode_base58(-1)


def test_short_link_is_case_sensitive():
    """flic.kr codes are case-sensitive: swapping case gives another photo."""
    assert parse_flickr_url("https://flic.kr/p/2P4qBkn")["photo_id"] != "53208249252"


# --- photo ids and photo references ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1", True, id="one-digit"),
        pytest.param("53208249252", True, id="typical"),
        pytest.param("1" * 20, True, id="twenty-digits"),
        pytest.param("1" * 21, False, id="twenty-one-digits"),
        pytest.param("", False, id="empty"),
        pytest.param("12a", False, id="letters"),
        pytest.param("-1", False, id="negative"),
        pytest.param(" 123", False, id="leading-space"),
        pytest.param("123\n", False, id="trailing-newline"),
        pytest.param(ARABIC_INDIC_12345, False, id="arabic-indic"),
        pytest.param(FULL_WIDTH_12345, False, id="full-width"),
        pytest.param(SUPERSCRIPT_123, False, id="superscript"),
        pytest.param(None, False, id="none"),
        pytest.param(123, False, id="int"),
    ],
)
def test_is_valid_photo_id(value, expected):
    """Only strings of 1 to 20 ASCII digits are photo ids."""
    assert is_valid_photo_id(value) is expected


@pytest.mark.parametrize(
    ("text", "photo_id"),
    [
        pytest.param("53208249252", "53208249252", id="bare-id"),
        pytest.param("  53208249252 \n", "53208249252", id="bare-id-with-whitespace"),
        pytest.param("https://flic.kr/p/2p4QbKN", "53208249252", id="short-link"),
        pytest.param(
            "https://www.flickr.com/photos/liamdonnelly/435193947/in/photostream/",
            "435193947",
            id="photo-page",
        ),
        pytest.param(
            "https://live.staticflickr.com/65535/53208249252_e4c1c4e6b1_b.jpg",
            "53208249252",
            id="image-file",
        ),
        pytest.param("www.flickr.com/photo.gne?id=435193947", "435193947", id="gne-page"),
    ],
)
def test_parse_photo_reference_finds_the_photo_id(text, photo_id):
    """A bare photo id or any single-photo URL gives the photo id."""
    assert parse_photo_reference(text) == photo_id


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("not a photo", id="words"),
        pytest.param("1" * 21, id="too-many-digits"),
        pytest.param(ARABIC_INDIC_12345, id="arabic-indic-digits"),
        pytest.param("https://example.com/photos/liamdonnelly/435193947/", id="other-domain"),
        pytest.param("https://www.flickr.com/photos/blueminds/", id="photostream"),
        pytest.param("https://www.flickr.com/photos/cat_tac/albums/72157666833379009", id="album"),
        pytest.param("https://www.flickr.com/", id="homepage"),
        pytest.param("https://www.flickr.com/groups/slovenia/discuss/", id="unrecognised"),
    ],
)
def test_parse_photo_reference_rejects_anything_but_one_photo(text):
    """Anything that is not one photo raises UnrecognisedUrl naming the input."""
    with pytest.raises(UnrecognisedUrl) as caught:
        parse_photo_reference(text)
    assert repr(text) in str(caught.value)


def test_parse_photo_reference_says_what_a_collection_url_points_at():
    """An album URL is refused with a message saying it is an album."""
    with pytest.raises(UnrecognisedUrl, match="links to an album, not to a single photo"):
        parse_photo_reference("https://www.flickr.com/photos/cat_tac/albums/72157666833379009")


@pytest.mark.parametrize("value", [None, 53208249252, b"53208249252"])
def test_parse_photo_reference_rejects_non_strings_with_type_error(value):
    """Anything but a string raises TypeError."""
    with pytest.raises(TypeError, match="string"):
        parse_photo_reference(value)
