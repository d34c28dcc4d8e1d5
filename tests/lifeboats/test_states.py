"""The state machine of DESIGN 4: every move in the table works, every other one is refused."""

from __future__ import annotations

import itertools

import pytest

from lifeboats.models import LifeboatEvent, LifeboatStatus
from lifeboats.states import TRANSITIONS, move
from portal.errors import InvalidTransition
from tests.factories import make_lifeboat, make_user

S = LifeboatStatus

# The diagram of DESIGN 4, written out as (from, to) pairs, independently of the table.
DIAGRAM = {
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.WITHDRAWN),
    (S.SUBMITTED, S.DRAFT),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.REJECTED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.APPROVED, S.BUILDING),
    (S.BUILDING, S.READY),
    (S.BUILDING, S.FAILED),
    (S.FAILED, S.APPROVED),
    (S.READY, S.EXPIRED),
}

ALL_PAIRS = list(itertools.product(S.values, S.values))
LEGAL = [pair for pair in ALL_PAIRS if pair in DIAGRAM]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in DIAGRAM]


def test_the_table_is_exactly_the_diagram():
    """TRANSITIONS names every state and allows exactly the moves of the diagram."""
    assert set(TRANSITIONS) == set(S.values)
    table = {(start, end) for start, ends in TRANSITIONS.items() for end in ends}
    assert table == DIAGRAM


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_a_legal_move_changes_the_status_and_appends_an_event(start, to):
    """A move in the table sets the status and records who made it, from where, and why."""
    lifeboat = make_lifeboat(status=start, photos=0)
    actor = make_user()

    moved = move(lifeboat.pk, to, actor=actor, note="Because.")

    lifeboat.refresh_from_db()
    assert moved.status == lifeboat.status == to
    event = LifeboatEvent.objects.get(lifeboat=lifeboat)
    assert (event.from_status, event.status, event.actor, event.note) == (
        start,
        to,
        actor,
        "Because.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_an_illegal_move_is_refused_and_changes_nothing(start, to):
    """A move not in the table (including to the same state) raises a 409 and writes nothing."""
    lifeboat = make_lifeboat(status=start, photos=0)
    before = lifeboat.updated_at

    with pytest.raises(InvalidTransition) as raised:
        move(lifeboat.pk, to, actor=None, failure_message="should not be written")

    assert raised.value.status_code == 409
    assert f"“{start}”" in raised.value.message
    lifeboat.refresh_from_db()
    assert (lifeboat.status, lifeboat.failure_message, lifeboat.updated_at) == (start, "", before)
    assert not LifeboatEvent.objects.filter(lifeboat=lifeboat).exists()


@pytest.mark.django_db
def test_the_message_names_the_state_and_the_refused_action():
    """The refusal reads like the sentence a person needs: where it is and what cannot happen."""
    lifeboat = make_lifeboat(status=S.READY, photos=0)

    with pytest.raises(
        InvalidTransition, match=r"This lifeboat is “ready”; it cannot be approved\."
    ):
        move(lifeboat.pk, S.APPROVED, actor=None)


@pytest.mark.django_db
def test_a_duplicated_delivery_of_the_same_move_is_refused_the_second_time():
    """Moving twice to the same state fails the second time, so a repeated task does nothing."""
    lifeboat = make_lifeboat(status=S.APPROVED, photos=0)
    move(lifeboat.pk, S.BUILDING, actor=None)

    with pytest.raises(InvalidTransition, match="already “building”"):
        move(lifeboat.pk, S.BUILDING, actor=None)

    assert LifeboatEvent.objects.filter(lifeboat=lifeboat).count() == 1


@pytest.mark.django_db
def test_move_sets_the_extra_fields_it_is_given():
    """Fields passed with a move are saved in the same write as the status."""
    lifeboat = make_lifeboat(status=S.BUILDING, photos=0)

    move(lifeboat.pk, S.FAILED, actor=None, failure_message="Invalid API key.")

    lifeboat.refresh_from_db()
    assert (lifeboat.status, lifeboat.failure_message) == (S.FAILED, "Invalid API key.")
