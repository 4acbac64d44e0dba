"""A synthetic city for the search benchmark: many search documents, fast.

`generate_city` writes, with ``bulk_create`` (no signals, no indexing), the
`SearchDocument` rows a large municipality would have: records (staff
reports, by-laws, correspondence; ~600 words each, a third of them paged like
PDFs), meetings, agenda items and votes, plus the bodies, people and one
council member's account that visibility filtering needs. Everything follows
from `CityParameters` (a seed and the number of records), so two runs with
equal parameters build the same city.

The text is drawn from `Vocabulary`: English stop words, a few hundred
municipal words and a long tail of made-up words (street and place names,
surnames, jargon) ranked by a Zipf law, so a few words occur in most
documents and most words in few; a sixth of the sentences are templates
with fixed municipal phrases ("official plan amendment"), addresses and
report numbers, which give phrase and AND queries selective hits.

The Django settings must point at a migrated, empty database.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import asdict, dataclass
from functools import cache

# Bump when the generated documents change: cached benchmark databases built
# by an older generator are then rebuilt.
GENERATOR_VERSION = 1

STOP_WORDS = (
    "the of and to a in for that is on be with by as at this from or are will "
    "an it not which has have was were its all any such other been may shall "
    "should would their these those into under within each also upon there than "
    "if no but"
).split()

# Municipal words, roughly most frequent first.
MUNICIPAL_WORDS = """
council committee report staff city motion recommendation approve budget planning
development bylaw application public property road street services ward meeting
amendment zoning plan capital project community program funding contract director
department policy request agreement consultation residents site construction
infrastructure water transit housing park parks library heritage environmental
financial operating tender award approval review proposed official municipal
provincial federal grant tax levy assessment reserve fund variance minor permit
building parking traffic safety fire police emergency climate energy waste
recycling stormwater sewer wastewater drainage bridge sidewalk cycling lane
intersection signal transportation corridor downtown neighbourhood subdivision lot
severance easement servicing engineering design study strategy master update
implementation monitoring compliance enforcement complaint noise nuisance license
licensing fees charges rates revenue expenditure surplus deficit audit procurement
vendor consultant resolution deferral referral delegation presentation
correspondence petition notice hearing appeal tribunal decision recommended
approved carried defeated amended seconded moved councillor mayor clerk treasurer
solicitor manager chief administrative officer chair vice member members closed
session confidential personal matters litigation acquisition disposition land
lands parcel lease licence encroachment accessibility seniors youth recreation
arena pool centre facility facilities maintenance repair rehabilitation
replacement asset management inventory fleet equipment vehicle snow winter
plowing salt pothole paving resurfacing reconstruction watermain hydrant meter
billing utility utilities hydro electricity solar tree trees forestry canopy
trail trails shoreline waterfront harbour marina beach conservation wetland
floodplain erosion species habitat natural designation archaeological cultural
arts festival event events tourism economic business improvement area employment
industrial commercial residential mixed use density height setback frontage
storey storeys units dwelling affordable rental homelessness shelter social health
daycare child care education school board technology digital network broadband
cybersecurity records information privacy access freedom communications
engagement survey feedback input stakeholders partners partnership memorandum
understanding collective bargaining union staffing complement position positions
salary benefits pension insurance risk liability claims legal schedule appendix
attachment section subsection clause paragraph item agenda minutes adoption
confirmatory previous next regular special annual quarterly monthly year years
month date deadline timeline phase stage pilot interim final draft revised
options option alternative analysis impact impacts cost costs estimate estimated
total amount million thousand percent increase decrease reduction growth
population forecast projection target targets goals objectives priorities
strategic action actions initiative initiatives service level levels standard
standards requirement requirements regulation regulations act legislation
province region regional county township municipality municipalities
jurisdiction boundary annexation secondary urban rural agricultural farm
greenbelt settlement expansion intensification infill redevelopment brownfield
remediation contamination odour dust emissions greenhouse gas carbon net zero
electric charging stations bus buses route routes ridership fare fares
specialized paratransit stop stops crosswalk pedestrian speed limit cameras
calming roundabout widening extension alignment class completion commencement
contractor bid bids lowest compliant purchase order sole source single renewal
term terms conditions condition registration securities letter credit parkland
dedication cash lieu benefits
""".split()

PHRASES = (
    "official plan amendment",
    "zoning bylaw amendment",
    "site plan control",
    "development charges",
    "capital budget",
    "operating budget",
    "tax levy",
    "closed session",
    "heritage designation",
    "community improvement plan",
    "environmental assessment",
    "stormwater management",
    "affordable housing",
    "transit master plan",
    "asset management plan",
    "minor variance",
    "draft plan of subdivision",
    "road reconstruction",
    "water treatment plant",
    "wastewater treatment plant",
    "winter maintenance",
    "active transportation",
    "climate action plan",
    "parkland dedication",
    "cash in lieu",
    "noise exemption",
    "encroachment agreement",
    "property standards",
    "fire master plan",
    "accessibility plan",
    "procurement bylaw",
    "reserve fund",
    "debenture financing",
    "user fees",
    "shoreline protection",
    "tree preservation",
    "community safety",
    "business improvement area",
    "downtown revitalization",
    "broadband expansion",
    "electric vehicle charging",
    "speed cameras",
    "traffic calming",
    "sidewalk connectivity",
    "library expansion",
    "arena replacement",
    "pool rehabilitation",
    "seniors centre",
    "youth strategy",
    "homelessness prevention",
    "emergency shelter",
    "cemetery expansion",
    "landfill capacity",
    "organics program",
    "snow clearing",
    "bridge rehabilitation",
    "watermain replacement",
    "short term rentals",
    "secondary suites",
    "cannabis retail",
)

BODIES = (
    ("City Council", "council"),
    ("Planning and Development Committee", "committee"),
    ("Finance and Audit Committee", "committee"),
    ("Public Works Committee", "committee"),
    ("Community Services Committee", "committee"),
    ("Heritage Advisory Committee", "committee"),
    ("Accessibility Advisory Committee", "committee"),
    ("Environmental Advisory Committee", "committee"),
    ("Committee of Adjustment", "committee"),
    ("Library Board", "board"),
    ("Police Services Board", "board"),
    ("Transit Commission", "commission"),
)
# The benchmark's council member sits on these (their confidential
# documents are visible to them).
MEMBER_BODIES = ("City Council", "Planning and Development Committee")
MEMBER_USERNAME = "bench-member"

DEPARTMENTS = ("PLN", "FIN", "ENG", "CAO", "CLK", "PW", "CS", "FIRE", "LEG", "IT")
STREET_TYPES = ("Street", "Avenue", "Road", "Drive", "Crescent", "Lane", "Court")
FIRST_DAY = datetime.date(2012, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days
TAIL_WORDS = 60_000
ZIPF_EXPONENT = 1.0

_ONSETS = (
    "b br c ch cl d dr f fl g gr h j k l m n p pr qu r s sh sl st t tr v w wh".split()
)
_VOWELS = "a e i o u ai ea ee ie oa ou y".split()
_CODAS = ["", "", "n", "r", "l", "s", "m", "t", "ck", "nd", "rt", "st", "ng", "x"]
_ENDINGS = [
    "",
    "",
    "",
    "",
    "",
    "",
    "ton",
    "ville",
    "ford",
    "wood",
    "ridge",
    "dale",
    "ham",
    "ley",
]


@dataclass(frozen=True)
class CityParameters:
    records: int = 200_000
    seed: int = 2026
    words_per_record: int = 600

    @property
    def meetings(self) -> int:
        return max(10, self.records // 100)

    @property
    def items(self) -> int:
        return self.meetings * 10

    @property
    def votes(self) -> int:
        return self.meetings * 5

    @property
    def documents(self) -> int:
        """Search documents generated (people and bodies included)."""
        return self.records + self.meetings + self.items + self.votes + _PEOPLE + 12

    def as_dict(self) -> dict:
        return {**asdict(self), "generator_version": GENERATOR_VERSION}


_PEOPLE = 80


@dataclass(frozen=True)
class Vocabulary:
    """Words ranked by frequency, with their Zipf cumulative weights."""

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]
    streets: tuple[str, ...]
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]

    @property
    def first_content_rank(self) -> int:
        return len(STOP_WORDS)

    def expected_share(self, rank: int) -> float:
        """Share of all running words that are the word of this rank."""
        low = self.cum_weights[rank - 1] if rank else 0.0
        return (self.cum_weights[rank] - low) / self.cum_weights[-1]


@cache
def vocabulary(seed: int = 2026) -> Vocabulary:
    rng = random.Random(f"vocabulary-{seed}")
    known = dict.fromkeys([*STOP_WORDS, *MUNICIPAL_WORDS])
    made_up = _made_up_words(rng, TAIL_WORDS + 1_000, exclude=known)
    words = tuple(known) + tuple(made_up[:TAIL_WORDS])
    total, cum_weights = 0.0, []
    for rank in range(1, len(words) + 1):
        total += rank**-ZIPF_EXPONENT
        cum_weights.append(total)
    names = made_up[TAIL_WORDS:]
    return Vocabulary(
        words=words,
        cum_weights=tuple(cum_weights),
        streets=tuple(name.capitalize() for name in names[:400]),
        surnames=tuple(name.capitalize() for name in names[400:520]),
        given_names=tuple(name.capitalize() for name in names[520:600]),
    )


def _made_up_words(rng: random.Random, count: int, *, exclude) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((1, 2, 2, 2, 2, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(syllables)
        ) + rng.choice(_ENDINGS)
        if 4 <= len(word) <= 14 and word not in exclude:
            words[word] = None
    return list(words)


class _Writer:
    """Sentences, titles and texts from one random stream."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, body_names: list[str]):
        self.rng = rng
        self.vocab = vocab
        self.body_names = body_names
        self.phrase_weights = list(
            itertools.accumulate(1 / rank for rank in range(1, len(PHRASES) + 1))
        )

    def words(self, count: int) -> list[str]:
        return self.rng.choices(
            self.vocab.words, cum_weights=self.vocab.cum_weights, k=count
        )

    def phrase(self) -> str:
        return self.rng.choices(PHRASES, cum_weights=self.phrase_weights)[0]

    def place(self) -> str:
        rng = self.rng
        return (
            f"{rng.randint(1, 2999)} {rng.choice(self.vocab.streets)} "
            f"{rng.choice(STREET_TYPES)}"
        )

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(self.vocab.given_names)} {rng.choice(self.vocab.surnames)}"

    def code(self, year: int) -> str:
        rng = self.rng
        return f"{rng.choice(DEPARTMENTS)}-{year}-{rng.randint(1, 150):03d}"

    def amount(self) -> str:
        return f"${self.rng.randint(5, 9_999) * 1_000:,}"

    def template(self, year: int) -> str:
        rng, phrase = self.rng, self.phrase()
        choice = rng.randrange(6)
        if choice == 0:
            return (
                f"That Council approve the {phrase} for {self.place()} as "
                f"outlined in Report {self.code(year)}."
            )
        if choice == 1:
            return (
                f"Staff recommend that the {phrase} be referred to the "
                f"{rng.choice(self.body_names)} for review."
            )
        if choice == 2:
            return (
                f"The estimated cost of the {phrase} is {self.amount()}, funded "
                f"from the {self.phrase()} reserve."
            )
        if choice == 3:
            return (
                f"A public meeting on the {phrase} was held on "
                f"{rng.randint(1, 28)} {_month(rng)} {year} at {self.place()}."
            )
        if choice == 4:
            return (
                f"Correspondence was received from {self.person()} regarding "
                f"the {phrase} at {self.place()}."
            )
        return (
            f"The {phrase} affects {rng.randint(2, 900)} properties in Ward "
            f"{rng.randint(1, 12)}."
        )

    def sentence(self, year: int) -> tuple[str, int]:
        if self.rng.random() < 0.16:
            text = self.template(year)
            return text, text.count(" ") + 1
        count = self.rng.randint(6, 24)
        text = " ".join(self.words(count))
        return text[0].upper() + text[1:] + ".", count

    def text(self, words: int, year: int, *, pages: bool = False) -> str:
        """About `words` words in paragraphs; form feeds between pages of
        about 280 words when `pages`."""
        parts: list[str] = []
        written = on_page = in_paragraph = 0
        while written < words:
            sentence, count = self.sentence(year)
            parts.append(sentence)
            written += count
            on_page += count
            in_paragraph += 1
            if pages and on_page >= 280 and written < words:
                parts.append("\f")
                on_page = in_paragraph = 0
            elif in_paragraph >= self.rng.randint(3, 7):
                parts.append("\n\n")
                in_paragraph = 0
            else:
                parts.append(" ")
        return "".join(parts).strip()

    def topic(self) -> str:
        phrase = self.phrase()
        if self.rng.random() < 0.5:
            phrase += " " + " ".join(self.words(2)[i] for i in range(2))
        return phrase[0].upper() + phrase[1:]


def _month(rng: random.Random) -> str:
    return datetime.date(2000, rng.randint(1, 12), 1).strftime("%B")


def generate_city(params: CityParameters, progress=print) -> dict[str, int]:
    """Write the city into the (migrated, empty) default database; return
    how many documents of each kind were written."""
    from search.models import DocumentKind

    vocab = vocabulary(params.seed)
    bodies = _create_bodies()
    people = _create_people(vocab, bodies, params.seed)
    counts = {DocumentKind.BODY.value: len(bodies), DocumentKind.PERSON.value: 0}
    _write(_body_documents(bodies), progress, "bodies")
    counts[DocumentKind.PERSON.value] = _write(
        _person_documents(people), progress, "people"
    )
    counts[DocumentKind.RECORD.value] = _write(
        _record_documents(params, vocab, bodies), progress, "records", params.records
    )
    meeting_counts = _write_meetings(params, vocab, bodies, people, progress)
    counts.update(meeting_counts)
    return counts


def _create_bodies() -> list:
    from django.utils.text import slugify

    from council.models import Body, Seat

    Body.objects.bulk_create(
        Body(name=name, slug=slugify(name), classification=kind, short_name=name[:60])
        for name, kind in BODIES
    )
    bodies = list(Body.objects.order_by("pk"))
    Seat.objects.bulk_create(
        Seat(body=body, label=f"Seat {number}", sort_order=number)
        for body in bodies
        for number in range(1, 10)
    )
    return bodies


def _create_people(vocab: Vocabulary, bodies: list, seed: int) -> list:
    """People on the bodies, and the benchmark's council member with a
    sign-in account, a Member role and seats on `MEMBER_BODIES`."""
    from django.contrib.auth.models import Group, User
    from django.utils.text import slugify

    from council.models import Membership, Person, Seat
    from council.visibility import Role

    rng = random.Random(f"people-{seed}")
    user = User.objects.create_user(MEMBER_USERNAME)
    user.groups.add(Group.objects.get_or_create(name=Role.MEMBER)[0])
    Person.objects.bulk_create(
        Person(
            given_name=rng.choice(vocab.given_names),
            family_name=rng.choice(vocab.surnames),
            slug=f"person-{number}",
            biography=f"<p>{' '.join(rng.choices(vocab.words[50:400], k=40))}</p>",
            user=user if number == 0 else None,
        )
        for number in range(_PEOPLE)
    )
    people = list(Person.objects.order_by("pk"))
    member = people[0]
    seats = {seat.body_id: seat for seat in Seat.objects.filter(label="Seat 1")}
    start = datetime.date(2022, 11, 15)
    memberships = [
        Membership(person=member, body=body, seat=seats[body.pk], start_date=start)
        for body in bodies
        if body.name in MEMBER_BODIES
    ]
    memberships += [
        Membership(
            person=person,
            body=bodies[number % len(bodies)],
            start_date=start,
            note=slugify(person.family_name),
        )
        for number, person in enumerate(people[1:], 1)
    ]
    Membership.objects.bulk_create(memberships)
    return people


def _write(documents, progress, label: str, expected: int | None = None) -> int:
    from django.db import transaction

    from search.models import SearchDocument

    written = 0
    documents = iter(documents)
    while batch := list(itertools.islice(documents, 2_000)):
        with transaction.atomic():
            SearchDocument.objects.bulk_create(batch, batch_size=500)
        written += len(batch)
        if expected and (written % 20_000 == 0 or written == expected):
            progress(f"  {label}: {written:,} / {expected:,}")
    return written


def source_key(model, pk) -> dict:
    """A document's generic key to its source, as keyword arguments, whatever
    `SearchDocument` names the two fields."""
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.contrib.contenttypes.models import ContentType

    from search.models import SearchDocument

    key = next(
        field
        for field in SearchDocument._meta.private_fields
        if isinstance(field, GenericForeignKey)
    )
    return {
        key.ct_field: ContentType.objects.get_for_model(model),
        key.fk_field: str(pk),
    }


def _body_documents(bodies):
    from council.models import Body
    from search.models import DocumentKind, SearchDocument

    for body in bodies:
        yield SearchDocument(
            kind=DocumentKind.BODY,
            **source_key(Body, body.pk),
            title=body.name,
            context=body.get_classification_display(),
            text=f"The {body.name} of the City of Port Alder.",
            url=f"/council/bodies/{body.slug}/",
            body_id=body.pk,
        )


def _person_documents(people):
    from django.utils.html import strip_tags

    from council.models import Person
    from search.models import DocumentKind, SearchDocument

    for person in people:
        yield SearchDocument(
            kind=DocumentKind.PERSON,
            **source_key(Person, person.pk),
            title=person.name,
            text=strip_tags(person.biography),
            url=f"/council/people/{person.slug}/",
        )


def _visibility(rng: random.Random, internal: float, confidential: float) -> str:
    from council.visibility import Visibility

    draw = rng.random()
    if draw < confidential:
        return Visibility.CONFIDENTIAL
    if draw < confidential + internal:
        return Visibility.INTERNAL
    return Visibility.PUBLIC


def _day(rng: random.Random) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS + 1))


def _record_documents(params: CityParameters, vocab: Vocabulary, bodies: list):
    from council.visibility import Visibility
    from records.models import Record
    from search.models import DocumentKind, SearchDocument

    rng = random.Random(f"records-{params.seed}")
    writer = _Writer(rng, vocab, [body.name for body in bodies])
    for number in range(1, params.records + 1):
        day = _day(rng)
        visibility = _visibility(rng, internal=0.10, confidential=0.05)
        body = None
        if visibility == Visibility.CONFIDENTIAL or rng.random() < 0.65:
            body = rng.choice(bodies)
        paged = rng.random() < 0.35
        words = max(120, int(rng.gauss(params.words_per_record, 180)))
        yield SearchDocument(
            kind=DocumentKind.RECORD,
            **source_key(Record, number),
            title=_record_title(writer, day.year),
            context=" · ".join([f"{'PDF' if paged else 'Word'}", *_names(body)]),
            text=writer.text(words, day.year, pages=paged),
            url=f"/records/{number}/",
            body=body,
            date=day,
            year=day.year,
            visibility=visibility,
        )


def _names(body) -> list[str]:
    return [body.name] if body else []


def _record_title(writer: _Writer, year: int) -> str:
    rng = writer.rng
    choice = rng.randrange(5)
    if choice == 0:
        return f"Staff report {writer.code(year)}: {writer.topic()}"
    if choice == 1:
        return f"{writer.topic()} at {writer.place()}"
    if choice == 2:
        return f"By-law {year}-{rng.randint(1, 180):03d}: {writer.topic()}"
    if choice == 3:
        return f"Correspondence from {writer.person()} re {writer.phrase()}"
    return f"{writer.topic()} ({rng.choice(('memo', 'presentation', 'study'))})"


def _write_meetings(params, vocab, bodies, people, progress) -> dict[str, int]:
    from search.models import DocumentKind

    counts = {
        DocumentKind.MEETING.value: 0,
        DocumentKind.ITEM.value: 0,
        DocumentKind.VOTE.value: 0,
    }

    def documents():
        for document in _meeting_documents(params, vocab, bodies, people):
            counts[document.kind] += 1
            yield document

    _write(documents(), progress, "meetings, items and votes", None)
    progress(
        "  meetings, items and votes: "
        + ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
    )
    return counts


def _meeting_documents(params, vocab, bodies, people):
    """Each meeting: the meeting, 10 agenda items and 5 votes."""
    from meetings.models import Meeting
    from search.models import DocumentKind, SearchDocument

    rng = random.Random(f"meetings-{params.seed}")
    writer = _Writer(rng, vocab, [body.name for body in bodies])
    names = [person.name for person in people]
    item_number = vote_number = 0
    for number in range(1, params.meetings + 1):
        day = _day(rng)
        body = bodies[0] if rng.random() < 0.4 else rng.choice(bodies)
        url = f"/meetings/{number}/"
        common = {
            **source_key(Meeting, number),
            "context": f"{body.name} · {day:%-d %B %Y}",
            "body": body,
            "date": day,
            "year": day.year,
        }
        items = []
        for position in range(1, 11):
            item_number += 1
            section = rng.randint(4, 9)
            title = f"{section}.{position} {writer.topic()} at {writer.place()}"
            visibility = _visibility(rng, internal=0.05, confidential=0.05)
            items.append((item_number, title, visibility))
            yield SearchDocument(
                kind=DocumentKind.ITEM,
                variant=f"item-{item_number}",
                title=title,
                text=_item_text(writer, rng, names, day.year),
                url=f"{url}#item-{section}.{position}",
                visibility=visibility,
                **common,
            )
        for _item, title, visibility in rng.sample(items, 5):
            vote_number += 1
            yield SearchDocument(
                kind=DocumentKind.VOTE,
                variant=f"vote-{vote_number}",
                title=f"{rng.choice(('Carried', 'Carried', 'Defeated'))}: {title[4:]}",
                text=_vote_text(writer, rng, names, day.year),
                url=f"{url}#motion-{vote_number}",
                visibility=visibility,
                **common,
            )
        public = [title for _pk, title, vis in items if vis == "public"]
        yield SearchDocument(
            kind=DocumentKind.MEETING,
            title=f"{body.name}: {rng.choice(('Regular', 'Special'))} meeting",
            text="\n".join(["Council Chamber, City Hall", "Held", *public]),
            url=url,
            visibility="public",
            **common,
        )


def _item_text(writer: _Writer, rng: random.Random, names, year: int) -> str:
    description = writer.text(rng.randint(120, 260), year)
    recommendation = writer.template(year)
    department = rng.choice(DEPARTMENTS)
    return "\n".join(
        [
            "Reports of committees",
            description,
            recommendation,
            department,
            *rng.sample(names, 1),
        ]
    )


def _vote_text(writer: _Writer, rng: random.Random, names, year: int) -> str:
    voters = rng.sample(names, rng.randint(7, 11))
    votes = [f"{name}: {rng.choice(('Yes', 'Yes', 'Yes', 'No'))}" for name in voters]
    motion = f"That Council approve the {writer.phrase()} as set out in the report."
    reason = writer.text(rng.randint(15, 50), year)
    return "\n".join([motion, reason, *voters[:2], *votes])
