"""Vote rules: whether a motion carries, and why, in the clerk's words.

Pure functions over counts, so every rule and tie case is tested alone.
Recused and absent members never count as votes cast; abstentions are not
votes cast either, but they are present.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.models.votes import Requirement


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0
    recused: int = 0

    @property
    def cast(self) -> int:
        return self.yes + self.no


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str


def majority_of(number: int) -> int:
    """More than half: 5 of 9, 5 of 8."""
    return number // 2 + 1


def decide(
    *,
    requirement: str,
    tally: Tally,
    present: int,
    seats: int,
    chair_breaks_ties: bool = False,
    casting_vote: str | None = None,
) -> Outcome:
    """Does a motion carry under `requirement`, given the votes?

    A tie under a majority of votes cast fails, unless the body lets the
    chair break ties and the chair cast a deciding vote ("yes" or "no").
    """
    rule = Requirement(requirement).label
    score = f"{tally.yes}–{tally.no}"
    if requirement == Requirement.MAJORITY_OF_VOTES_CAST:
        if tally.yes == tally.no and tally.cast:
            if chair_breaks_ties and casting_vote in ("yes", "no"):
                passed = casting_vote == "yes"
                verb = "Carried" if passed else "Defeated"
                return Outcome(
                    passed, f"{verb} {score} on the chair's casting vote ({rule})"
                )
            return Outcome(False, f"Defeated {score}: a tie fails ({rule})")
        passed = tally.yes > tally.no
    elif requirement == Requirement.MAJORITY_OF_PRESENT:
        passed = tally.yes >= majority_of(present)
        rule = f"{rule}: {majority_of(present)} of {present} needed"
    elif requirement == Requirement.MAJORITY_OF_SEATS:
        passed = tally.yes >= majority_of(seats)
        rule = f"{rule}: {majority_of(seats)} of {seats} needed"
    elif requirement == Requirement.TWO_THIRDS:
        passed = tally.cast > 0 and tally.yes * 3 >= tally.cast * 2
    elif requirement == Requirement.UNANIMOUS:
        passed = tally.yes > 0 and tally.no == 0
    else:  # pragma: no cover - Requirement() above rejects unknown values
        raise ValueError(requirement)
    if not tally.cast:
        return Outcome(False, f"Defeated: no votes cast ({rule})")
    return Outcome(passed, f"{'Carried' if passed else 'Defeated'} {score} ({rule})")
