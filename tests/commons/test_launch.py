"""Launching a lifeboat from the Commons catalogue: the hand-picked selection, the launch from
a selection, a search or a member, the choice of organisation, and the pre-filled wizard."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from commons import selection
from commons.models import CommonsPhoto
from lifeboats.models import Lifeboat
from portal.models import Organisation
from tests.factories import (
    PASSWORD,
    make_commons_member,
    make_commons_photo,
    make_membership,
    make_organisation,
    make_signature,
    make_user,
)
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db

UPDATE_URL = reverse("commons:selection_update")
SELECTION_URL = reverse("commons:selection")
LAUNCH_URL = reverse("commons:launch")
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- People -----------------------------------------------------------------------------------


def approved_organisation(**fields) -> Organisation:
    organisation = make_organisation(**fields)
    make_signature(organisation, status="approved")
    return organisation


@pytest.fixture
def organisation():
    return approved_organisation(name="Lighthouse Archive")


@pytest.fixture
def staff(organisation):
    return make_membership(organisation).user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def pick(client, photo_id: str, *, action: str = "add", next_url: str = "", **extra):
    data = {"photo_id": photo_id, "action": action}
    if next_url:
        data["next"] = next_url
    return client.post(UPDATE_URL, data, **extra)


def picked(client) -> list[str]:
    return selection.selected_ids(client.session)


def launch(client, source: str, *, follow: bool = False, **fields):
    return client.post(LAUNCH_URL, {"source": source, **fields}, follow=follow)


def wizard_form(response) -> tuple[str, list[str]]:
    """The name and the URLs the wizard's form shows."""
    content = response.content.decode()
    name = re.search(r'<input type="text" name="name" value="([^"]*)"', content)
    urls = re.search(r'<textarea name="urls"[^>]*>\n?(.*?)</textarea>', content, re.S)
    assert name, "the wizard's form has no name field"
    assert urls, "the wizard's form has no URLs box"
    return unescape(name.group(1)), unescape(urls.group(1)).split()


def new_url(organisation: Organisation) -> str:
    return reverse("lifeboats:new", kwargs={"slug": organisation.slug})


# --- Picking ----------------------------------------------------------------------------------


def test_picking_a_photo_adds_it_and_returns_to_next(client):
    """Anyone may pick a catalogued photo; the answer goes back to the page they were on."""
    photo = make_commons_photo()
    response = pick(client, photo.photo_id, next_url="/commons/search/?q=harbour")
    assert response.status_code == 302
    assert response["Location"] == "/commons/search/?q=harbour"
    assert picked(client) == [photo.photo_id]


def test_picking_keeps_the_order_and_takes_each_photo_once(client):
    """Photos stay in the order picked; picking one twice keeps one copy."""
    first, second = make_commons_photo(), make_commons_photo()
    for photo in (second, first, second):
        pick(client, photo.photo_id)
    assert picked(client) == [second.photo_id, first.photo_id]


def test_removing_a_photo_takes_it_out(client):
    """Remove takes one photo out of the selection and leaves the others."""
    first, second = make_commons_photo(), make_commons_photo()
    pick(client, first.photo_id)
    pick(client, second.photo_id)
    response = pick(client, first.photo_id, action="remove")
    assert response.status_code == 302
    assert picked(client) == [second.photo_id]


def test_clearing_empties_the_selection(client):
    """Clear all empties the selection and says so."""
    for _ in range(3):
        pick(client, make_commons_photo().photo_id)
    response = client.post(UPDATE_URL, {"action": "clear"}, follow=True)
    assert picked(client) == []
    assert "Your selection is empty again." in response.content.decode()


def test_unsafe_next_is_ignored(client):
    """A `next` leading off the site is ignored: the answer goes to the selection page."""
    photo = make_commons_photo()
    for unsafe in ("https://evil.example/", "//evil.example/commons/", "javascript:alert(1)"):
        response = pick(client, photo.photo_id, next_url=unsafe)
        assert response["Location"] == SELECTION_URL


def test_unknown_photo_is_refused_with_a_message(client):
    """A photo id that is not in the catalogue is not picked, and the message says why."""
    make_commons_photo()
    response = pick(client, "99999999999", follow=True)
    assert picked(client) == []
    assert "Photo &#x27;99999999999&#x27; is not in the Commons catalogue" in (
        response.content.decode()
    )


def test_unknown_action_is_refused(client):
    """An action other than add, remove or clear changes nothing and says what to use."""
    photo = make_commons_photo()
    pick(client, photo.photo_id)
    response = pick(client, photo.photo_id, action="delete", follow=True)
    assert picked(client) == [photo.photo_id]
    assert "Unknown change to the selection" in response.content.decode()


def test_a_full_selection_refuses_more_photos(client, settings):
    """No more than LIFEBOAT_MAX_PHOTOS photos can be picked; the message says what to do."""
    settings.LIFEBOAT_MAX_PHOTOS = 2
    photos = [make_commons_photo() for _ in range(3)]
    for photo in photos:
        response = pick(client, photo.photo_id, follow=True)
    assert picked(client) == [photos[0].photo_id, photos[1].photo_id]
    assert "already holds 2 photos, the most one lifeboat can take" in response.content.decode()


def test_htmx_pick_answers_the_toggle_in_its_new_state(client):
    """With htmx, picking answers the photo's button as "Picked" with Remove, and the
    selection link's new count out of band."""
    photo = make_commons_photo(title="The old pier")
    response = pick(client, photo.photo_id, next_url="/commons/", **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="pick-{photo.photo_id}"' in content
    assert '<input type="hidden" name="action" value="remove">' in content
    assert '<input type="hidden" name="next" value="/commons/">' in content
    assert "Picked" in content
    assert 'id="selection-link" hx-swap-oob="true"' in content
    assert '<span class="badge badge-info">1<' in content
    assert picked(client) == [photo.photo_id]


def test_htmx_remove_answers_the_pick_button(client):
    """With htmx, removing answers the button in its unpicked state."""
    photo = make_commons_photo()
    pick(client, photo.photo_id)
    response = pick(client, photo.photo_id, action="remove", **HTMX)
    content = response.content.decode()
    assert '<input type="hidden" name="action" value="add">' in content
    assert "Picked" not in content
    assert picked(client) == []


def test_htmx_clear_refreshes_the_page(client):
    """With htmx, clearing asks the browser to reload the page (every button changes)."""
    pick(client, make_commons_photo().photo_id)
    response = client.post(UPDATE_URL, {"action": "clear"}, **HTMX)
    assert response.headers["HX-Refresh"] == "true"
    assert picked(client) == []


def test_htmx_unknown_photo_answers_the_button_with_the_message(client):
    """With htmx, a refused pick answers the unchanged button with the reason beside it."""
    response = pick(client, "12345", **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="action" value="add">' in content
    assert 'role="alert"' in content
    assert "is not in the Commons catalogue" in content


def test_the_selection_survives_logging_in(client, staff):
    """Photos picked before logging in are still picked afterwards."""
    photo = make_commons_photo()
    pick(client, photo.photo_id)
    client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert client.session[AUTH_SESSION_KEY] == str(staff.pk)
    assert picked(client) == [photo.photo_id]


def test_toggle_tag_shows_each_photo_in_its_state(rf: RequestFactory, client):
    """`{% selection_toggle photo %}` offers Pick for unpicked photos and Remove for picked
    ones; `{% selection_link %}` counts the selection."""
    chosen, other = make_commons_photo(), make_commons_photo()
    pick(client, chosen.photo_id)
    request = rf.get("/commons/search/?q=pier")
    request.session = client.session
    template = Template(
        "{% load commons_selection %}{% for p in photos %}{% selection_toggle p %}{% endfor %}"
        "{% selection_link %}"
    )
    content = template.render(Context({"request": request, "photos": [chosen, other]}))
    chosen_form = content[content.index(f'id="pick-{chosen.photo_id}"') :]
    other_form = content[content.index(f'id="pick-{other.photo_id}"') :]
    assert chosen_form.index('value="remove"') < chosen_form.index("</form>")
    assert other_form.index('value="add"') < other_form.index("</form>")
    assert 'value="/commons/search/?q=pier"' in content
    assert '<span class="badge badge-info">1<' in content


# --- The selection page -----------------------------------------------------------------------


def test_selection_page_shows_the_picked_photos(client):
    """Each picked photo with thumbnail, title, member and a remove button; the count, Clear
    all, and the launch form for the selection."""
    member = make_commons_member(name="Lighthouse Board")
    photos = [make_commons_photo(member, title=f"Beacon {n}") for n in range(2)]
    for photo in photos:
        pick(client, photo.photo_id)
    response = client.get(SELECTION_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 photos picked from 1 Commons member." in content
    for photo in photos:
        assert f'src="{photo.thumbnail_url}"' in content
        assert f'href="{photo.flickr_url}"' in content
        assert photo.title in content
        assert f'<input type="hidden" name="photo_id" value="{photo.photo_id}">' in content
    assert f'href="{member.get_absolute_url()}">Lighthouse Board</a>' in content
    assert content.count('value="remove"') == 2
    assert "Clear all" in content
    assert f'action="{LAUNCH_URL}"' in content
    assert '<input type="hidden" name="source" value="selection">' in content


def test_selection_page_without_photos_explains_how_to_pick(client):
    """With nothing picked, the page explains how to pick and offers no launch."""
    response = client.get(SELECTION_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "No photos picked yet" in content
    assert "press <strong>Pick</strong> under the photos you want" in content
    assert f'action="{LAUNCH_URL}"' not in content


def test_selection_page_mentions_photos_gone_from_the_catalogue(client):
    """Photos picked and since removed from the catalogue are counted apart, not shown."""
    kept, gone = make_commons_photo(), make_commons_photo()
    pick(client, kept.photo_id)
    pick(client, gone.photo_id)
    gone.delete()
    content = client.get(SELECTION_URL).content.decode()
    assert "1 photo picked from 1 Commons member." in content
    assert "1 photo you picked is no longer in the catalogue" in content


# --- Launching --------------------------------------------------------------------------------


def test_anonymous_launch_goes_to_login_and_comes_back(client):
    """Launching needs a login; afterwards the visitor comes back to where they launched."""
    member = make_commons_member()
    cases = {
        "selection": ({}, SELECTION_URL),
        "search": ({"q": "old pier"}, "/commons/search/?q=old+pier"),
        "member": ({"member": member.nsid}, f"/commons/members/{member.nsid}/"),
    }
    for source, (fields, back) in cases.items():
        response = launch(client, source, **fields)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={_quoted(back)}"
    assert not Lifeboat.objects.exists()


def _quoted(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="/")


def test_launching_the_selection_opens_the_prefilled_wizard(staff_client, organisation):
    """With one organisation, the launch lands on its wizard with the name and every picked
    photo's URL, in the order picked; nothing is created yet."""
    photos = [make_commons_photo(), make_commons_photo(), make_commons_photo()]
    for photo in reversed(photos):
        pick(staff_client, photo.photo_id)
    response = launch(staff_client, "selection")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{new_url(organisation)}?prefill=")
    wizard = staff_client.get(response["Location"])
    name, urls = wizard_form(wizard)
    assert name == "Hand-picked from the Commons Explorer"
    assert urls == [photo.flickr_url for photo in reversed(photos)]
    assert "Pre-filled from the Commons Explorer: 3 URLs." in wizard.content.decode()
    assert not Lifeboat.objects.exists()


def lookup_note(response) -> str | None:
    """The wizard's note on what looking the photos up costs, unescaped, if it shows one."""
    found = re.search(r"The wizard looks up these [^<]*", response.content.decode())
    return unescape(found.group(0)).strip() if found else None


def test_the_wizard_says_what_looking_up_photos_of_many_members_costs(staff_client, settings):
    """A photo or two of each member is looked up one call each; when that takes a minute
    or more at the portal's budget, the wizard says so before the user presses on."""
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 60
    for _ in range(3):
        pick(staff_client, make_commons_photo(make_commons_member(photo_count=50)).photo_id)
    wizard = staff_client.get(launch(staff_client, "selection")["Location"])
    assert lookup_note(wizard) == (
        "The wizard looks up these 3 photos on Flickr before it can show them: about 3 calls "
        "(one per photo, or fewer where reading a member's photostream costs less), about 3 "
        "minutes at the portal's budget of 60 calls an hour."
    )


def test_many_photos_of_one_member_cost_its_photostream_pages(staff_client, settings):
    """Thirty photos of a member with 1,200 photos cost its three photostream pages (it
    is named by NSID, so no lookup), not thirty calls."""
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 60
    member = make_commons_member(path_alias="", photo_count=1_200)
    for _ in range(30):
        make_commons_photo(member, title="Harbour crane")
    response = launch(staff_client, "search", q="crane")
    note = lookup_note(staff_client.get(response["Location"]))
    assert note.startswith("The wizard looks up these 30 photos on Flickr before it can show")
    assert "about 3 calls (one per photo" in note
    assert "about 3 minutes at the portal's budget of 60 calls an hour" in note


def test_a_member_named_by_path_alias_adds_its_lookup(staff_client, settings):
    """A member with a path alias costs one flickr.urls.lookupUser more; a huge member
    (more pages than picked photos) costs its first page and a call per photo."""
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 60
    small = make_commons_member(path_alias="small-archive", photo_count=400)
    huge = make_commons_member(path_alias="huge-archive", photo_count=200_000)
    for member, photos in ((small, 5), (huge, 4)):
        for _ in range(photos):
            pick(staff_client, make_commons_photo(member).photo_id)
    note = lookup_note(staff_client.get(launch(staff_client, "selection")["Location"]))
    # small: lookupUser and its one page (2); huge: lookupUser, page 1, four getInfo (6).
    assert "these 9 photos" in note
    assert "about 8 calls" in note


def test_a_quick_lookup_needs_no_warning(staff_client, settings):
    """Under a minute of lookups, the wizard shows no cost note, however many photos: forty
    photos of one small member cost a lookup and one page."""
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 600
    member = make_commons_member(photo_count=300)
    for _ in range(40):
        pick(staff_client, make_commons_photo(member).photo_id)
    wizard = staff_client.get(launch(staff_client, "selection")["Location"])
    assert lookup_note(wizard) is None


def test_launching_an_empty_selection_is_refused(staff_client):
    """With nothing picked, the launch goes back to the selection page saying what to do."""
    response = launch(staff_client, "selection")
    assert response["Location"] == SELECTION_URL
    page = staff_client.get(SELECTION_URL).content.decode()
    assert "Your selection is empty: pick photos" in page


def test_launching_a_search_prefills_the_photos_it_finds(staff_client, organisation):
    """A search launches with the URLs of the photos it finds, named after the query."""
    pier = make_commons_photo(title="The harbour wall", tags="pier")
    quay = make_commons_photo(title="Quay at low tide", description="Seen from the harbour")
    make_commons_photo(title="A mountain village")
    response = launch(staff_client, "search", q="  harbour ")
    name, urls = wizard_form(staff_client.get(response["Location"]))
    assert name == "Search: harbour"
    assert sorted(urls) == sorted([pier.flickr_url, quay.flickr_url])


def test_launching_a_search_takes_at_most_the_lifeboat_limit(staff_client, settings):
    """A search finding more than LIFEBOAT_MAX_PHOTOS photos takes the first ones, newest
    first, and the wizard says so."""
    settings.LIFEBOAT_MAX_PHOTOS = 2
    photos = [make_commons_photo(title=f"Lighthouse {n}") for n in range(3)]
    response = launch(staff_client, "search", q="lighthouse")
    wizard = staff_client.get(response["Location"])
    _, urls = wizard_form(wizard)
    assert urls == [photos[2].flickr_url, photos[1].flickr_url]
    content = wizard.content.decode()
    assert "Pre-filled from the Commons Explorer: 2 URLs." in content
    assert "The search finds more than 2 photos, the most one lifeboat can hold" in content


def test_launching_a_search_without_results_says_so(staff_client):
    """A search that finds nothing goes back to the search, saying so."""
    make_commons_photo(title="A mountain village")
    response = launch(staff_client, "search", q="submarine")
    assert response["Location"] == "/commons/search/?q=submarine"
    assert not staff_client.session.get("lifeboat_prefills")


def test_launching_a_member_prefills_its_photostream(staff_client, organisation):
    """A member launches with its photostream's URL, named after the member."""
    member = make_commons_member(
        name="Tyne & Wear Archives", path_alias="twm_news", photo_count=120
    )
    response = launch(staff_client, "member", member=member.nsid)
    wizard = staff_client.get(response["Location"])
    name, urls = wizard_form(wizard)
    assert name == "Tyne & Wear Archives: photostream"
    assert urls == ["https://www.flickr.com/photos/twm_news/"]
    assert "Pre-filled from the Commons Explorer: 1 URL." in wizard.content.decode()


def test_launching_a_member_larger_than_a_lifeboat_is_refused(staff_client, settings):
    """A member with more photos than a lifeboat may hold is refused before any lookup."""
    settings.LIFEBOAT_MAX_PHOTOS = 100
    member = make_commons_member(photo_count=101)
    response = launch(staff_client, "member", member=member.nsid, follow=True)
    assert response.redirect_chain[0][0] == member.get_absolute_url()
    assert "has 101 photos, more than the 100 one lifeboat can hold" in response.content.decode()


def test_launching_an_unknown_member_or_source_is_refused(staff_client):
    """An unknown member, or an unknown source, goes back with a message and no prefill."""
    response = launch(staff_client, "member", member="0@N00")
    assert response["Location"] == reverse("commons:members")
    response = launch(staff_client, "album")
    assert response["Location"] == reverse("commons:home")
    assert not staff_client.session.get("lifeboat_prefills")


def test_several_organisations_choose_then_open_the_wizard(client, staff, organisation):
    """Someone who may request lifeboats for several organisations chooses one first."""
    other = approved_organisation(name="Marine Society")
    make_membership(other, staff)
    make_membership(make_organisation(status=Organisation.Status.PENDING), staff)
    client.force_login(staff)
    photo = make_commons_photo()
    pick(client, photo.photo_id)
    response = launch(client, "selection")
    assert response["Location"].startswith(f"{LAUNCH_URL}?prefill=")
    chooser = client.get(response["Location"])
    content = chooser.content.decode()
    assert chooser.status_code == 200
    assert "Which organisation is this lifeboat for?" in content
    links = re.findall(r'href="(/organisations/[^"]+/lifeboats/new/\?prefill=[^"]+)"', content)
    assert len(links) == 2
    assert links[0].startswith(new_url(organisation))
    assert links[1].startswith(new_url(other))
    name, urls = wizard_form(client.get(links[1]))
    assert (name, urls) == ("Hand-picked from the Commons Explorer", [photo.flickr_url])


def test_no_organisation_explains_how_to_get_one(client):
    """Someone in no organisation is told how to join or register one, with a way back."""
    client.force_login(make_user())
    pick(client, make_commons_photo().photo_id)
    response = client.get(launch(client, "selection")["Location"])
    content = response.content.decode()
    assert response.status_code == 403
    assert "your account does not belong to one" in content
    assert f'href="{reverse("organisation_register")}"' in content
    assert f'href="{SELECTION_URL}">Back to the Commons Explorer' in content


def test_an_organisation_not_yet_approved_is_named_with_the_reason(client):
    """Someone whose only organisation is pending sees it, and why it cannot request yet."""
    pending = make_organisation(name="Harbour Trust", status=Organisation.Status.PENDING)
    user = make_membership(pending).user
    client.force_login(user)
    make_commons_photo(title="The old pier")
    response = client.get(launch(client, "search", q="pier")["Location"])
    content = response.content.decode()
    assert response.status_code == 403
    assert "Harbour Trust" in content
    assert "lifeboats can be requested once the foundation has approved" in content


def test_the_chooser_with_an_unknown_token_starts_again(staff_client):
    """An unknown or expired launch sends the user back to the Explorer, saying so."""
    response = staff_client.get(f"{LAUNCH_URL}?prefill=not-a-token", follow=True)
    assert response.redirect_chain[-1][0] == reverse("commons:home")
    assert "That launch is no longer open" in response.content.decode()


# --- Through to the lifeboat -----------------------------------------------------------------

WORLD_PHOTOS = 60
WORLD = sandbox_helpers.sandbox_world(WORLD_PHOTOS, 1)


@pytest.fixture
def flickr(sandbox, settings):
    """The sandbox, with the portal's Flickr settings pointing at it."""
    server = sandbox(photos=WORLD_PHOTOS)
    settings.FLICKR_API_URL = server.api_url
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 3_600_000
    return server


def catalogue_of_sandbox_archive(photos: int) -> list[CommonsPhoto]:
    """The sandbox's archive as a catalogued member, with its first available photos."""
    archive = WORLD.archive
    member = make_commons_member(
        nsid=archive.nsid, name="Sandbox Archive", path_alias=archive.path_alias
    )
    available = [
        WORLD.photo_at(index)
        for index in WORLD.indices_owned_by(archive.nsid)
        if WORLD.photo_at(index).is_available
    ]
    return [
        make_commons_photo(member, photo_id=photo.id, title=photo.title)
        for photo in available[:photos]
    ]


def test_submitting_the_prefilled_wizard_creates_the_lifeboat(staff_client, organisation, flickr):
    """The pre-filled form, submitted unchanged, makes a draft of exactly the picked photos."""
    photos = catalogue_of_sandbox_archive(3)
    for photo in photos:
        pick(staff_client, photo.photo_id)
    wizard_url = launch(staff_client, "selection")["Location"]
    name, urls = wizard_form(staff_client.get(wizard_url))
    response = staff_client.post(wizard_url, {"name": name, "urls": "\n".join(urls)})
    lifeboat = Lifeboat.objects.get()
    assert response["Location"] == reverse("lifeboats:preview", args=[lifeboat.pk])
    assert lifeboat.name == "Hand-picked from the Commons Explorer"
    assert lifeboat.urls == [photo.flickr_url for photo in photos]
    assert sorted(lifeboat.photos.values_list("photo_id", flat=True)) == sorted(
        photo.photo_id for photo in photos
    )
