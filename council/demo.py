"""The demo city of Port Alder: its council, committees, board and people.

Deterministic: the same data every run, dated relative to two fixed
legislative terms so that screenshots and browser tests are repeatable.
Later domains add their own demo modules (meetings, records) that build on
the bodies and people made here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from council import services
from council.models import Body, MembershipRole, Person
from council.visibility import Role

DEMO_PASSWORD = "quorum-demo"

TERMS = [
    (
        "2022–2026 Council term",
        datetime.date(2022, 11, 15),
        datetime.date(2026, 11, 14),
    ),
    (
        "2026–2030 Council term",
        datetime.date(2026, 11, 15),
        datetime.date(2030, 11, 14),
    ),
]

PEOPLE = [
    # (honorific, given, family, biography)
    ("Mayor", "Margaret", "Okafor", "Mayor since 2022; a former school principal."),
    ("Councillor", "Daniel", "Reyes", "Small-business owner in the harbour district."),
    ("Councillor", "Priya", "Natarajan", "Civil engineer; chairs Community Services."),
    ("Councillor", "Thomas", "Bélanger", "Served Ward 3 from 2022 to 2026."),
    ("Councillor", "Aisha", "Rahman", "Housing advocate, elected for Ward 3 in 2026."),
    ("Councillor", "Hannah", "Kowalski", "Farmer and conservation volunteer."),
    (
        "Councillor",
        "Samuel",
        "Whitfield",
        "Retired paramedic; served Ward 5 until 2026.",
    ),
    ("Councillor", "Lucas", "Ferreira", "Teacher, elected for Ward 5 in 2026."),
    ("Councillor", "Grace", "Lindqvist", "Architect; chairs Planning & Development."),
    (
        "Councillor",
        "Robert",
        "Nakamura",
        "Served Ward 7 until his resignation in 2024.",
    ),
    ("Councillor", "Elena", "Moreau", "Won the 2024 Ward 7 by-election."),
    ("Councillor", "Omar", "Haddad", "Accountant; chairs Finance & Audit."),
    ("", "Fiona", "MacLeod", "Planning Board chair; land-use lawyer."),
    ("", "Victor", "Osei", "Planning Board member; transit planner."),
    ("", "Julia", "Park", "Planning Board member; heritage consultant."),
    ("", "Martin", "Dubois", "Planning Board member until 2026."),
    ("", "Sofia", "Alvarez", "Planning Board member; landscape architect."),
    ("", "Keith", "Brennan", "Planning Board member until 2026."),
    ("", "Naomi", "Fischer", "Planning Board member since 2026; surveyor."),
    ("", "Ben", "Adeyemi", "Planning Board member since 2026; builder."),
]

COUNCIL_SEATS = ["Mayor", *(f"Ward {n}" for n in range(1, 9))]
COMMITTEE_SEATS = [f"Seat {letter}" for letter in "ABCDE"]
BOARD_SEATS = [f"Citizen seat {n}" for n in range(1, 7)] + ["Council representative"]

BODIES = [
    # (slug, name, short name, classification, parent slug, seats, quorum, description)
    (
        "city-council",
        "City Council",
        "Council",
        "council",
        None,
        COUNCIL_SEATS,
        {"quorum_rule": "majority_of_seats"},
        "The Mayor and eight ward councillors: the city's governing body.",
    ),
    (
        "finance-audit",
        "Finance and Audit Committee",
        "Finance",
        "committee",
        "city-council",
        COMMITTEE_SEATS,
        {"quorum_rule": "majority_of_members"},
        "Budget, taxation, procurement and the external audit.",
    ),
    (
        "planning-development",
        "Planning and Development Committee",
        "Planning",
        "committee",
        "city-council",
        COMMITTEE_SEATS,
        {"quorum_rule": "majority_of_members"},
        "Official plan, zoning, building and heritage.",
    ),
    (
        "community-services",
        "Community Services Committee",
        "Community",
        "committee",
        "city-council",
        COMMITTEE_SEATS,
        {"quorum_rule": "majority_of_members"},
        "Parks, recreation, libraries, housing and social services.",
    ),
    (
        "planning-board",
        "Planning Board",
        "Planning Board",
        "board",
        "city-council",
        BOARD_SEATS,
        {"quorum_rule": "fixed", "quorum_fixed_number": 4},
        "Citizen board hearing minor variances, consents and site plans.",
    ),
]

# Who held which seat, per term: body slug -> seat label -> family names in
# order (a later name took over part-way, see VACANCIES).
SEATING = {
    0: {
        "city-council": dict(
            zip(
                COUNCIL_SEATS,
                [
                    "Okafor",
                    "Reyes",
                    "Natarajan",
                    "Bélanger",
                    "Kowalski",
                    "Whitfield",
                    "Lindqvist",
                    ["Nakamura", "Moreau"],
                    "Haddad",
                ],
                strict=True,
            )
        ),
        "finance-audit": dict(
            zip(
                COMMITTEE_SEATS,
                ["Reyes", "Kowalski", "Whitfield", "Haddad", "Natarajan"],
                strict=True,
            )
        ),
        "planning-development": dict(
            zip(
                COMMITTEE_SEATS,
                ["Bélanger", "Lindqvist", ["Nakamura", "Moreau"], "Haddad", "Kowalski"],
                strict=True,
            )
        ),
        "community-services": dict(
            zip(
                COMMITTEE_SEATS,
                [
                    "Natarajan",
                    "Whitfield",
                    "Lindqvist",
                    "Reyes",
                    ["Nakamura", "Moreau"],
                ],
                strict=True,
            )
        ),
        "planning-board": dict(
            zip(
                BOARD_SEATS,
                ["MacLeod", "Dubois", "Osei", "Park", "Alvarez", "Brennan", "Kowalski"],
                strict=True,
            )
        ),
    },
    1: {
        "city-council": dict(
            zip(
                COUNCIL_SEATS,
                [
                    "Okafor",
                    "Reyes",
                    "Natarajan",
                    "Rahman",
                    "Kowalski",
                    "Ferreira",
                    "Lindqvist",
                    "Moreau",
                    "Haddad",
                ],
                strict=True,
            )
        ),
        "finance-audit": dict(
            zip(
                COMMITTEE_SEATS,
                ["Haddad", "Reyes", "Rahman", "Ferreira", "Natarajan"],
                strict=True,
            )
        ),
        "planning-development": dict(
            zip(
                COMMITTEE_SEATS,
                ["Lindqvist", "Moreau", "Rahman", "Kowalski", "Haddad"],
                strict=True,
            )
        ),
        "community-services": dict(
            zip(
                COMMITTEE_SEATS,
                ["Natarajan", "Ferreira", "Reyes", "Moreau", "Kowalski"],
                strict=True,
            )
        ),
        "planning-board": dict(
            zip(
                BOARD_SEATS,
                [
                    "MacLeod",
                    "Osei",
                    "Park",
                    "Alvarez",
                    "Fischer",
                    "Adeyemi",
                    "Ferreira",
                ],
                strict=True,
            )
        ),
    },
}
# The first seat of each body is its chair, the second its vice-chair.
PRESIDING = {0: MembershipRole.CHAIR, 1: MembershipRole.VICE_CHAIR}
# Robert Nakamura resigned; Elena Moreau won the by-election.
VACANCY = (datetime.date(2024, 6, 30), datetime.date(2024, 9, 16))
MAYOR = "Okafor"

STAFF_USERS = [
    # (username, first, last, role, superuser)
    ("admin", "Site", "Administrator", None, True),
    ("clerk", "Clara", "Whitmore", Role.CLERK, False),
    ("records", "Ray", "Osborne", Role.RECORDS_MANAGER, False),
    # A second records manager: destruction needs two different approvers.
    ("archives", "Amara", "Diallo", Role.RECORDS_MANAGER, False),
    ("staff", "Sunita", "Varma", Role.STAFF, False),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    who: str


def member_username(person: Person) -> str:
    return slugify(f"{person.given_name[0]}{person.family_name}")


@transaction.atomic
def load() -> list[DemoLogin]:
    """Create Port Alder's council domain; return the demo logins."""
    terms = [
        services.create_legislative_term(name=name, start_date=start, end_date=end)
        for name, start, end in TERMS
    ]
    people = {
        family: services.create_person(
            honorific_prefix=honorific,
            given_name=given,
            family_name=family,
            slug=slugify(f"{given} {family}"),
            email=f"{slugify(given)}.{slugify(family)}@portalder.example",
            biography=f"<p>{bio}</p>",
        )
        for honorific, given, family, bio in PEOPLE
    }
    bodies = _create_bodies()
    for term_index, seating in SEATING.items():
        for slug, seats in seating.items():
            _seat_members(bodies[slug], seats, terms[term_index], people)
    _add_mayor_ex_officio(bodies, terms, people[MAYOR])
    return _create_users(people, terms[-1])


def _create_bodies() -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for slug, name, short, classification, parent, seats, quorum, text in BODIES:
        bodies[slug] = services.create_body(
            name=name,
            short_name=short,
            slug=slug,
            classification=classification,
            parent=bodies.get(parent),
            seat_labels=seats,
            description=f"<p>{text}</p>",
            email=f"{slug}@portalder.example",
            established_on=datetime.date(1998, 1, 1),
            **quorum,
        )
    return bodies


def _seat_members(body, seats, term, people) -> None:
    for index, seat in enumerate(body.seats.all()):
        holders = seats[seat.label]
        role = PRESIDING.get(index, MembershipRole.MEMBER)
        if isinstance(holders, str):
            services.start_membership(
                person=people[holders],
                body=body,
                seat=seat,
                role=role,
                start_date=term.start_date,
                end_date=term.end_date,
                legislative_term=term,
            )
            continue
        resigned, elected = VACANCY
        first, successor = holders
        services.start_membership(
            person=people[first],
            body=body,
            seat=seat,
            role=role,
            start_date=term.start_date,
            end_date=resigned,
            legislative_term=term,
            note="Resigned",
        )
        services.start_membership(
            person=people[successor],
            body=body,
            seat=seat,
            role=role,
            start_date=elected,
            end_date=term.end_date,
            legislative_term=term,
            note="Elected in a by-election",
        )


def _add_mayor_ex_officio(bodies, terms, mayor) -> None:
    for slug in ("finance-audit", "planning-development", "community-services"):
        for term in terms:
            services.start_membership(
                person=mayor,
                body=bodies[slug],
                role=MembershipRole.EX_OFFICIO,
                start_date=term.start_date,
                end_date=term.end_date,
                legislative_term=term,
            )


def _create_users(people: dict[str, Person], current_term) -> list[DemoLogin]:
    User = get_user_model()
    logins = []
    for username, first, last, role, superuser in STAFF_USERS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@portalder.example",
            is_superuser=superuser,
            is_staff=superuser,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        logins.append(DemoLogin(username, DEMO_PASSWORD, role or "Superuser"))
    member_group = Group.objects.get(name=Role.MEMBER)
    for person in Person.objects.in_office(current_term.start_date):
        user = User.objects.create_user(
            username=member_username(person),
            password=DEMO_PASSWORD,
            first_name=person.given_name,
            last_name=person.family_name,
            email=person.email,
        )
        user.groups.add(member_group)
        person.user = user
        person.save(update_fields=["user"])
        logins.append(DemoLogin(user.username, DEMO_PASSWORD, f"Member: {person.name}"))
    return logins
