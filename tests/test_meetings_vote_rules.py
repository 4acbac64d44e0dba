"""Every vote rule and tie case, as pure arithmetic."""

from __future__ import annotations

import pytest

from meetings.models import Requirement
from meetings.voting import Tally, decide

R = Requirement


@pytest.mark.parametrize(
    ("requirement", "tally", "present", "seats", "passed", "reason"),
    [
        (
            R.MAJORITY_OF_VOTES_CAST,
            Tally(yes=5, no=3),
            9,
            9,
            True,
            "Carried 5–3 (majority of votes cast)",
        ),
        (
            R.MAJORITY_OF_VOTES_CAST,
            Tally(yes=3, no=2, abstain=4),
            9,
            9,
            True,
            "Carried 3–2 (majority of votes cast)",
        ),
        (
            R.MAJORITY_OF_VOTES_CAST,
            Tally(yes=2, no=3),
            9,
            9,
            False,
            "Defeated 2–3 (majority of votes cast)",
        ),
        (
            R.MAJORITY_OF_VOTES_CAST,
            Tally(yes=4, no=4, recused=1),
            9,
            9,
            False,
            "Defeated 4–4: a tie fails (majority of votes cast)",
        ),
        (
            R.MAJORITY_OF_PRESENT,
            Tally(yes=4, no=1, abstain=3),
            8,
            9,
            False,
            "Defeated 4–1 (majority of members present: 5 of 8 needed)",
        ),
        (
            R.MAJORITY_OF_PRESENT,
            Tally(yes=5, no=3),
            8,
            9,
            True,
            "Carried 5–3 (majority of members present: 5 of 8 needed)",
        ),
        (
            R.MAJORITY_OF_SEATS,
            Tally(yes=4, no=1, absent=4),
            5,
            9,
            False,
            "Defeated 4–1 (majority of all seats: 5 of 9 needed)",
        ),
        (
            R.MAJORITY_OF_SEATS,
            Tally(yes=5, no=0, absent=4),
            5,
            9,
            True,
            "Carried 5–0 (majority of all seats: 5 of 9 needed)",
        ),
        (
            R.TWO_THIRDS,
            Tally(yes=6, no=3),
            9,
            9,
            True,
            "Carried 6–3 (two-thirds of votes cast)",
        ),
        (
            R.TWO_THIRDS,
            Tally(yes=5, no=3),
            9,
            9,
            False,
            "Defeated 5–3 (two-thirds of votes cast)",
        ),
        (R.UNANIMOUS, Tally(yes=8, abstain=1), 9, 9, True, "Carried 8–0 (unanimous)"),
        (R.UNANIMOUS, Tally(yes=8, no=1), 9, 9, False, "Defeated 8–1 (unanimous)"),
        (
            R.MAJORITY_OF_VOTES_CAST,
            Tally(abstain=5),
            5,
            9,
            False,
            "Defeated: no votes cast (majority of votes cast)",
        ),
    ],
)
def test_rules(requirement, tally, present, seats, passed, reason):
    outcome = decide(requirement=requirement, tally=tally, present=present, seats=seats)

    assert (outcome.passed, outcome.reason) == (passed, reason)


def test_a_tie_is_broken_by_the_chairs_casting_vote_where_the_rules_allow():
    tie = Tally(yes=4, no=4)

    carried = decide(
        requirement=R.MAJORITY_OF_VOTES_CAST,
        tally=tie,
        present=9,
        seats=9,
        chair_breaks_ties=True,
        casting_vote="yes",
    )
    defeated = decide(
        requirement=R.MAJORITY_OF_VOTES_CAST,
        tally=tie,
        present=9,
        seats=9,
        chair_breaks_ties=True,
        casting_vote="no",
    )
    not_allowed = decide(
        requirement=R.MAJORITY_OF_VOTES_CAST,
        tally=tie,
        present=9,
        seats=9,
        chair_breaks_ties=False,
        casting_vote="yes",
    )

    assert carried.passed and "casting vote" in carried.reason
    assert not defeated.passed and "casting vote" in defeated.reason
    assert not not_allowed.passed and "tie fails" in not_allowed.reason


def test_recused_and_absent_members_are_not_votes_cast():
    assert Tally(yes=3, no=2, recused=2, absent=2).cast == 5
