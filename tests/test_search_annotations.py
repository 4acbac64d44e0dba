"""Members' private annotations never reach search.

Annotations are not indexed: search documents are built from what the
public pages and the clerks publish (search.documents), and no builder
reads annotations. These canaries guard that. A word planted in a member's
private note and one in the text her highlight quotes must not show on any
search surface (results, counts, facets, snippets, "did you mean",
autocomplete, the search page) for anyone: the public, a colleague on the
same body, a member of another body, a clerk, nor the author herself, even
after every document and the index are rebuilt from the database.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from meetings.anchoring import TextQuote
from meetings.models import Annotation
from meetings.models.annotations import Selection
from meetings.services.annotations import create_annotation
from search.models import DocumentKind, SearchDocument
from search.selectors import autocomplete
from search.services import rebuild_search_index, refresh_all_documents
from tests.members_support import client_for, pack_of
from tests.search_support import found, shown_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

NOTE_CANARY = "gribblewick"
QUOTE_CANARY = "zorblefaxen"
CANARIES = (NOTE_CANARY, QUOTE_CANARY)


def near_miss(word: str) -> str:
    """A misspelling one letter away: asks for a "did you mean"."""
    return word[:-1] + "x"


def leaked(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text.lower()]


@pytest.fixture
def private_note(meeting, alice, django_capture_on_commit_callbacks):
    """GIVEN Alice's private highlight with a note on the parks report (the
    quote holding one canary, the note the other), and every search
    document and the index rebuilt from the database afterwards."""
    pack = pack_of(meeting)
    report = pack.version.items.get(title="Parks master plan").attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        annotation = create_annotation(
            author=alice,
            pack=pack,
            motivation="commenting",
            page=2,
            record=report.record,
            note=f"Ask the clerk about the {NOTE_CANARY} before Tuesday.",
            selection=Selection(
                quote=TextQuote(exact=f"The {QUOTE_CANARY} clause of the budget")
            ),
        )
    with django_capture_on_commit_callbacks(execute=True):
        refresh_all_documents()
    rebuild_search_index()
    return annotation


def test_the_canaries_are_planted_where_only_their_author_reads_them(
    private_note, alice, bob
):
    stored = Annotation.objects.get()
    assert NOTE_CANARY in stored.note and not stored.shared
    assert QUOTE_CANARY in stored.selection.quote.exact
    url = f"/api/annotations/{private_note.pk}/"
    assert leaked(client_for(alice).get(url).content.decode()) == list(CANARIES)
    assert client_for(bob).get(url).status_code == 404
    # Not indexed: no search document holds either word.
    for canary in CANARIES:
        for field in ("title", "context", "text"):
            assert not SearchDocument.objects.filter(
                **{f"{field}__icontains": canary}
            ).exists()


@pytest.mark.parametrize("who", [None, "bob", "outsider", "clerk", "alice"])
def test_no_search_surface_shows_a_private_annotation(
    private_note, request, client, who
):
    """WHEN anyone searches for the canaries, misspells them, types their
    first letters, or searches the words of the annotated page
    THEN no result, count, facet, snippet, suggestion or completion shows
    them; the annotated report itself is still found."""
    user = request.getfixturevalue(who) if who else None
    # The index answers, and snippets of the annotated page are shown.
    around = found(user, "splash pad")
    assert around.total >= 1 and not around.degraded
    assert any("splash" in str(hit.snippet).lower() for hit in around.hits)

    texts = ["splash pad", "budget", "parks", "clerk Tuesday", "clause"]
    for canary in CANARIES:
        texts += [canary, near_miss(canary), canary[:5] + "*"]
        assert found(user, canary).total == 0
        assert not autocomplete(user, canary[:5])
    for text in texts:
        assert leaked(shown_text(found(user, text))) == [], text
    # Match-everything searches of each kind: their facets and first page.
    for kind in DocumentKind.values:
        assert leaked(shown_text(found(user, "", kind=kind))) == [], kind

    if user:
        client.force_login(user)
    for text in texts:
        page = client.get("/search/", {"q": text})
        assert page.status_code == 200
        # The page repeats the query; nothing else may hold a canary.
        assert leaked(page.content.decode().replace(escape(text), "")) == [], text
    for canary in CANARIES:
        for typed in (canary[:4], canary[:7], f"The {QUOTE_CANARY[:4]}"):
            completions = client.get("/search/autocomplete/", {"q": typed})
            assert completions.json() == {"results": []}, typed
