"""Downloading record files: visibility, headers and byte ranges."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from council.visibility import Role, Visibility
from records.services import record_storage
from records.views.download import UnsatisfiableRange, parse_byte_range
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RecordFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.storage,
    pytest.mark.urls("tests.records_urls"),
]

PDF = pdf_bytes("Closed session minutes", "Second page")


@pytest.fixture
def body():
    return BodyFactory(name="Council")


def record_of(body, visibility, **fields):
    fields.setdefault("content", PDF)
    fields.setdefault("upload_name", "minutes.pdf")
    return RecordFactory(body=body, visibility=visibility, **fields)


def member_of(body, **membership):
    user = UserFactory(roles=[Role.MEMBER])
    MembershipFactory(body=body, person=PersonFactory(user=user), **membership)
    return user


def download(client, record, user=None, **headers):
    if user is not None:
        client.force_login(user)
    return client.get(record.get_absolute_url(), headers=headers)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# Who may download


def test_anyone_may_download_a_public_record(client, body):
    record = record_of(body, Visibility.PUBLIC)

    response = download(client, record)

    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Length"] == str(len(PDF))
    assert "Cache-Control" not in response


@pytest.mark.parametrize("visibility", [Visibility.INTERNAL, Visibility.CONFIDENTIAL])
def test_anonymous_users_get_404_for_restricted_records(client, body, visibility):
    record = record_of(body, visibility)

    assert download(client, record).status_code == 404


def test_a_missing_record_is_404_too(client):
    assert (
        client.get(reverse("records_download", kwargs={"pk": 999})).status_code == 404
    )


def test_staff_may_download_internal_records_privately_cached(client, body):
    record = record_of(body, Visibility.INTERNAL)

    response = download(client, record, UserFactory(roles=[Role.STAFF]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private"


def test_current_members_of_the_body_may_download_its_confidential_records(
    client, body
):
    record = record_of(body, Visibility.CONFIDENTIAL)

    response = download(client, record, member_of(body))

    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Cache-Control"] == "private"


def test_members_of_another_body_and_former_members_get_404(client, body):
    record = record_of(body, Visibility.CONFIDENTIAL)
    other_member = member_of(BodyFactory(name="Board"))
    former_member = member_of(body, end_date=datetime.date(2023, 1, 31))

    assert download(client, record, other_member).status_code == 404
    assert download(client, record, former_member).status_code == 404


def test_clerks_may_download_confidential_records(client, body):
    record = record_of(body, Visibility.CONFIDENTIAL)

    response = download(client, record, UserFactory(roles=[Role.CLERK]))

    assert response.status_code == 200
    assert body_of(response) == PDF


def test_only_safe_methods_are_allowed(client, body):
    record = record_of(body, Visibility.PUBLIC)

    assert client.post(record.get_absolute_url()).status_code == 405


def test_a_record_whose_stored_file_is_gone_is_404(client, body):
    record = record_of(body, Visibility.PUBLIC)
    record_storage().delete(record.file.name)

    assert download(client, record).status_code == 404


# Headers


def test_files_are_served_inline_with_the_sniffed_type_and_no_sniffing(client, body):
    record = record_of(body, Visibility.PUBLIC, upload_name="Agenda 12 May.pdf")

    response = download(client, record)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Agenda 12 May.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{record.sha256}"'


def test_text_is_served_as_utf8_plain_text(client, body):
    record = record_of(
        body, Visibility.PUBLIC, content="<b>Café</b>".encode(), upload_name="n.txt"
    )

    response = download(client, record)

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body_of(response).decode() == "<b>Café</b>"


def test_unusual_names_are_quoted_or_encoded_in_the_header(client, body):
    quoted = record_of(body, Visibility.PUBLIC, upload_name='Say "no".pdf')
    accented = record_of(body, Visibility.PUBLIC, upload_name="Procès-verbal.pdf")

    assert (
        download(client, quoted)["Content-Disposition"]
        == 'inline; filename="Say \\"no\\".pdf"'
    )
    assert (
        download(client, accented)["Content-Disposition"]
        == "inline; filename*=utf-8''Proc%C3%A8s-verbal.pdf"
    )


# Byte ranges


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, len(PDF) - 1),
        ("bytes=-25", len(PDF) - 25, len(PDF) - 1),
        ("bytes=10-999999", 10, len(PDF) - 1),
        (f"bytes=-{len(PDF) + 50}", 0, len(PDF) - 1),
    ],
)
def test_a_single_range_is_served_as_partial_content(client, body, header, start, end):
    record = record_of(body, Visibility.PUBLIC)

    response = download(client, record, Range=header)

    assert response.status_code == 206
    assert body_of(response) == PDF[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(PDF)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "header", [f"bytes={len(PDF)}-", "bytes=999999-1000000", "bytes=-0"]
)
def test_an_unsatisfiable_range_is_416(client, body, header):
    record = record_of(body, Visibility.CONFIDENTIAL)

    response = download(client, record, UserFactory(roles=[Role.CLERK]), Range=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PDF)}"
    assert response["Cache-Control"] == "private"


@pytest.mark.parametrize(
    "header", ["bytes=0-9,20-29", "bytes=9-0", "items=0-9", "bytes=a-b", "bytes=-"]
)
def test_several_or_malformed_ranges_get_the_whole_file(client, body, header):
    record = record_of(body, Visibility.PUBLIC)

    response = download(client, record, Range=header)

    assert response.status_code == 200
    assert body_of(response) == PDF


def test_if_range_serves_the_range_only_for_the_same_content(client, body):
    record = record_of(body, Visibility.PUBLIC)
    etag = f'"{record.sha256}"'

    same = download(client, record, Range="bytes=0-4", **{"If-Range": etag})
    changed = download(client, record, Range="bytes=0-4", **{"If-Range": '"other"'})

    assert (same.status_code, body_of(same)) == (206, PDF[:5])
    assert (changed.status_code, body_of(changed)) == (200, PDF)


def test_a_range_on_a_hidden_record_is_still_404(client, body):
    record = record_of(body, Visibility.CONFIDENTIAL)

    assert download(client, record, Range="bytes=999999-").status_code == 404


def test_parse_byte_range_edges():
    assert parse_byte_range(None, 10) is None
    assert parse_byte_range("bytes=9-9", 10) == (9, 9)
    assert parse_byte_range("bytes=0-", 1) == (0, 0)
    with pytest.raises(UnsatisfiableRange):
        parse_byte_range("bytes=10-", 10)
