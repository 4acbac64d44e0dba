from .bodies import Body, LegislativeTerm, QuorumRule, Seat
from .pages import CouncilPage, HomePage
from .people import Membership, MembershipRole, Person
from .scheduling import ScheduledRun

__all__ = [
    "Body",
    "CouncilPage",
    "HomePage",
    "LegislativeTerm",
    "Membership",
    "MembershipRole",
    "Person",
    "QuorumRule",
    "ScheduledRun",
    "Seat",
]
