"""The destruction certificate and the transfer bag (pure modules, no database)."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import bagit
import pytest
from pypdf import PdfReader

from council import pdf_fonts
from records.disposition_documents import (
    DestroyedRecordEntry,
    DestructionCertificateData,
    DestructionCertificateError,
    TransferContentMismatch,
    TransferItem,
    TransferPackageError,
    render_destruction_certificate,
    safe_filename,
    safe_identifier,
    write_transfer_bag,
    zip_bag,
)

EASTERN = datetime.timezone(datetime.timedelta(hours=-4))
ACCENTED_TITLE = "Procès-verbal de la séance — Łódź, Ørsted, Ελληνικά, Кириллица"
SCHEDULE_HEADINGS = "Identifier Title Class Retention schedule Due"


# The certificate ---------------------------------------------------------------


def sha(n: int) -> str:
    return hashlib.sha256(f"record {n}".encode()).hexdigest()


def entry(n: int, **changes) -> DestroyedRecordEntry:
    values = {
        "identifier": f"REC-2019-{n:04d}",
        "title": ACCENTED_TITLE if n % 7 == 0 else f"Planning report {n}",
        "record_class": "Council minutes",
        "schedule": "Destroy 2 years after superseded",
        "created_on": datetime.date(2019, 3, 4),
        "trigger_date": datetime.date(2021, 5, 1) if n % 2 else None,
        "due_on": datetime.date(2023, 5, 1),
        "sha256": sha(n),
        "size": 48_200 * n,
        "format_label": "PDF",
    }
    return DestroyedRecordEntry(**{**values, **changes})


def certificate_data(entries, **changes) -> DestructionCertificateData:
    at = datetime.datetime(2025, 3, 14, 10, 30, tzinfo=EASTERN)
    values = {
        "number": "DC-2025-0007",
        "issued_at": at + datetime.timedelta(minutes=2),
        "organisation": "City of Port Ashby",
        "batch_reference": "DB-2025-003",
        "reviewed_by": "Amélie Bélanger",
        "reviewed_at": at - datetime.timedelta(days=4),
        "approved_by": "Jordan Okafor",
        "approved_at": at - datetime.timedelta(days=2),
        "executed_by": "Sam Li",
        "executed_at": at,
        "holds_checked_at": at - datetime.timedelta(minutes=1),
        "entries": entries,
    }
    return DestructionCertificateData(**{**values, **changes})


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def large_certificate() -> bytes:
    return render_destruction_certificate(
        certificate_data([entry(n) for n in range(1, 401)])
    )


def test_certificate_states_what_was_destroyed_by_whom_and_when():
    """GIVEN a batch of three records, one with an accented, non-Latin title
    WHEN its certificate is rendered
    THEN one A4 page states the destruction, the people and the schedule."""
    pdf = render_destruction_certificate(
        certificate_data([entry(n) for n in (1, 2, 7)])
    )

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]
    text = flat(reader.pages[0].extract_text())
    for expected in (
        "Certificate of Destruction of Records",
        "CITY OF PORT ASHBY",
        "Certificate No. DC-2025-0007",
        "3 records listed in the schedule below, held by City of Port Ashby, "
        "were destroyed under disposal batch DB-2025-003 on March 14, 2025, "
        "10:30 a.m. (UTC-04:00)",
        "approved by a second person, Jordan Okafor",
        "No legal hold was in force on these records",
        "Amélie Bélanger March 10, 2025, 10:30 a.m. (UTC-04:00)",
        "Legal holds checked None in force March 14, 2025, 10:29 a.m.",
        "REC-2019-0001",
        "REC-2019-0007",
        "Procès-verbal de la séance",
        "Łódź, Ørsted, Ελληνικά, Кириллица",
        "Destroy 2 years after superseded",
        "2023-05-01",
        "Created 2019-03-04 · trigger date 2021-05-01",
        "Page 1 of 1",
    ):
        assert expected in text
    # The digest: short form in the row, the whole of it in groups of eight.
    digest = sha(7)
    assert f"{digest[:8]}…{digest[-8:]}" in text
    assert " ".join(re.findall(".{8}", digest)) in text

    info = reader.metadata
    assert info.title == "Destruction certificate DC-2025-0007"
    assert info.subject == "Destruction of 3 records under disposal batch DB-2025-003"
    assert info.creator == "Quorum"
    assert info.author == "City of Port Ashby"


def test_one_record_is_certified_in_the_singular():
    pdf = render_destruction_certificate(certificate_data([entry(3)]))

    text = flat(page_texts(pdf)[0])
    assert "the record listed in the schedule below" in text
    assert "City of Port Ashby, was destroyed" in text
    assert "No legal hold was in force on this record" in text


def test_hundreds_of_records_run_over_pages_with_the_heading_repeated(
    large_certificate,
):
    """GIVEN 400 records
    WHEN the certificate is rendered
    THEN the schedule runs over many numbered pages, each repeating the
    heading row, and every record appears once with its digest beside it."""
    texts = [flat(text) for text in page_texts(large_certificate)]
    pages = len(texts)

    assert pages > 1
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "Destruction certificate DC-2025-0007" in text
    for text in texts[1:]:
        assert SCHEDULE_HEADINGS in text
    everything = " ".join(texts)
    for n in range(1, 401):
        assert everything.count(f"REC-2019-{n:04d}") == 1
    # A record's two rows are never parted by a page break.
    for text in texts:
        identifiers = re.findall(r"REC-2019-(\d{4})", text)
        for n in identifiers:
            assert " ".join(re.findall(".{8}", sha(int(n)))) in text
    assert "Procès-verbal de la séance — Łódź, Ørsted, Ελληνικά" in everything


def test_long_titles_wrap_and_overlong_ones_are_shortened():
    long_title = "Rapport annuel sur la qualité de l’eau potable " * 3
    endless = "Ünïcødé-" + "x" * 5000
    entries = [entry(1, title=long_title), entry(2, title=endless)]

    pdf = render_destruction_certificate(certificate_data(entries))

    text = flat(" ".join(page_texts(pdf)))
    assert flat(long_title) in text  # wrapped within its cell, words intact
    assert "Ünïcødé-xxxx" in text
    assert "x" * 500 not in text.replace(" ", "")  # shortened, so a row fits a page
    assert "…" in text


def test_same_data_gives_the_same_certificate():
    data = certificate_data([entry(1), entry(2)])

    assert render_destruction_certificate(data) == render_destruction_certificate(data)


def test_without_dejavu_the_core_fonts_show_what_they_can(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "DEJAVU_DIR", tmp_path / "no-fonts")

    pdf = render_destruction_certificate(certificate_data([entry(7)]))

    text = flat(page_texts(pdf)[0])
    # WinAnsi has "è" and "ó"; other accents are dropped, other scripts "?".
    assert "Procès-verbal de la séance — Lódz, Ørsted, ????????" in text
    assert "Certificate No. DC-2025-0007" in text
    assert "Page 1 of 1" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"entries": []}, "lists no records"),
        (
            {"entries": [entry(1, due_on=datetime.date(2025, 3, 15))]},
            "REC-2019-0001 was destroyed on 2025-03-14 but was not due",
        ),
        ({"entries": [entry(1, sha256="abc")]}, "no valid SHA-256"),
    ],
)
def test_a_certificate_is_refused_when_it_would_not_be_true(changes, message):
    data = certificate_data(**{"entries": [entry(1)], **changes})

    with pytest.raises(DestructionCertificateError, match=message):
        render_destruction_certificate(data)


# The transfer bag ----------------------------------------------------------------


BAG_INFO = {
    "Source-Organization": "City of Port Ashby",
    "External-Identifier": "TR-2025-001",
    "External-Description": "Council minutes 2019\ntransferred to the archive",
}


def item(identifier: str, content: bytes, *, filename: str = "minutes.pdf", **kw):
    values = {
        "identifier": identifier,
        "filename": filename,
        "open_content": lambda: io.BytesIO(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "metadata": {
            "title": f"Minutes {identifier}",
            "created": datetime.date(2019, 3, 4),
        },
        "events": [
            {
                "type": "ingest",
                "at": datetime.datetime(2019, 3, 4, 9, 0, tzinfo=EASTERN),
            },
            {"type": "transfer approved", "by": "Jordan Okafor"},
        ],
    }
    return TransferItem(**{**values, **kw})


def contents(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_bag_of_two_records_validates_with_bagit(tmp_path):
    """GIVEN two records
    WHEN they are written as a transfer bag
    THEN bagit validates it on its own, and the payload holds each record's
    content, metadata and events, listed in data/manifest.json."""
    first, second = b"%PDF-1.7 first record", "Ünïcødé text".encode()
    items = [
        item("REC-1", first),
        item("REC-2", second, filename="notes.txt", events=[]),
    ]

    path = write_transfer_bag(tmp_path / "out" / "transfer-1", items, BAG_INFO)

    assert path == tmp_path / "out" / "transfer-1"
    assert [p.name for p in path.parent.iterdir()] == ["transfer-1"]
    bag = bagit.Bag(str(path))
    assert bag.validate()
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.info["Source-Organization"] == "City of Port Ashby"
    assert bag.info["External-Identifier"] == "TR-2025-001"
    assert bag.info["External-Description"] == (
        "Council minutes 2019 transferred to the archive"
    )
    assert bag.info["Bag-Count"] == "1 of 1"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", bag.info["Bagging-Date"])
    payload = path / "data"
    payload_bytes = sum(p.stat().st_size for p in payload.rglob("*") if p.is_file())
    assert bag.info["Payload-Oxum"] == f"{payload_bytes}.7"

    record = payload / "records" / "REC-1"
    assert (record / "minutes.pdf").read_bytes() == first
    assert (payload / "records" / "REC-2" / "notes.txt").read_bytes() == second
    assert json.loads((record / "metadata.json").read_text()) == {
        "title": "Minutes REC-1",
        "created": "2019-03-04",
    }
    events = json.loads((record / "events.json").read_text())
    assert events[0] == {"type": "ingest", "at": "2019-03-04T09:00:00-04:00"}
    assert json.loads((payload / "records/REC-2/events.json").read_text()) == []
    manifest = json.loads((payload / "manifest.json").read_text())
    assert manifest["item_count"] == 2
    assert manifest["items"][0] == {
        "identifier": "REC-1",
        "filename": "minutes.pdf",
        "path": "records/REC-1/minutes.pdf",
        "sha256": hashlib.sha256(first).hexdigest(),
        "size": len(first),
        "metadata": "records/REC-1/metadata.json",
        "events": "records/REC-1/events.json",
    }
    sha256_manifest = (path / "manifest-sha256.txt").read_text()
    assert f"{hashlib.sha256(first).hexdigest()}  data/records/REC-1/minutes.pdf" in (
        sha256_manifest
    )


def test_a_tampered_payload_fails_validation(tmp_path):
    path = write_transfer_bag(tmp_path / "bag", [item("REC-1", b"original")], BAG_INFO)

    (path / "data/records/REC-1/minutes.pdf").write_bytes(b"altered!")

    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(path)).validate()


def test_content_not_matching_its_digest_leaves_nothing_behind(tmp_path):
    """GIVEN a record whose stored content no longer matches its SHA-256
    WHEN a bag holding it is written
    THEN the clerk is told which record, and no folder is left behind."""
    damaged = item("REC-2", b"bit rot", sha256=hashlib.sha256(b"fresh").hexdigest())

    with pytest.raises(TransferContentMismatch, match="record REC-2 does not match"):
        write_transfer_bag(
            tmp_path / "bag", [item("REC-1", b"fine"), damaged], BAG_INFO
        )

    assert contents(tmp_path) == []


def test_a_failing_read_leaves_nothing_behind(tmp_path):
    def unreadable():
        raise OSError("storage unavailable")

    with pytest.raises(OSError, match="storage unavailable"):
        write_transfer_bag(
            tmp_path / "bag", [item("REC-1", b"x", open_content=unreadable)], BAG_INFO
        )

    assert contents(tmp_path) == []


def test_hostile_names_end_up_inside_the_payload(tmp_path):
    """GIVEN uploaded names and identifiers that are paths, device names or
    odd Unicode
    WHEN they are bagged
    THEN every file lies under data/records, one folder per record, and the
    original names are kept in the manifest."""
    names = [
        ("../../etc", "../../etc/passwd"),
        ("REC/3", "con.pdf"),
        ("rec-4", "Ünïcødé résumé\u202e\x00.pdf"),
        ("REC-4", "C:\\Windows\\evil.exe"),
        ("REC-5", "metadata.json"),
        ("REC-6", "../.."),
    ]
    items = [
        item(identifier, identifier.encode(), filename=filename)
        for identifier, filename in names
    ]
    out = tmp_path / "out"

    path = write_transfer_bag(out / "bag", items, BAG_INFO)

    assert bagit.Bag(str(path)).validate()
    assert [p.name for p in out.iterdir()] == ["bag"]
    assert not (tmp_path / "etc").exists()
    records = (path / "data" / "records").resolve()
    manifest = json.loads((path / "data/manifest.json").read_text())
    paths = [entry["path"] for entry in manifest["items"]]
    assert paths == [
        "records/etc/passwd",
        "records/REC_3/_con.pdf",
        "records/rec-4/Ünïcødé résumé__.pdf",
        "records/REC-4-2/evil.exe",
        "records/REC-5/_metadata.json",
        "records/REC-6/content",
    ]
    for (identifier, filename), listed, relative in zip(
        names, manifest["items"], paths, strict=True
    ):
        assert listed["filename"] == filename
        file = (path / "data" / relative).resolve()
        assert file.is_relative_to(records)
        assert file.parent.parent == records
        assert file.read_bytes() == identifier.encode()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\clerk\\Report.pdf", "Report.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1"),
        ("  .hidden.  ", "hidden"),
        ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("tab\tand\nline.txt", "tab_and_line.txt"),
        ("Cafe\u0301.docx", "Café.docx"),  # NFC, as most archives expect
        ("..", "content"),
        ("", "content"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_safe_names_are_short_enough_for_any_file_system():
    name = safe_filename("é" * 300 + ".pdf")

    assert name.endswith(".pdf")
    assert len(name.encode()) <= 120
    assert len(safe_identifier("Ω" * 200).encode()) <= 80


def test_a_bag_is_never_written_over_an_existing_one(tmp_path):
    (tmp_path / "bag").mkdir()

    with pytest.raises(TransferPackageError, match="already exists"):
        write_transfer_bag(tmp_path / "bag", [item("REC-1", b"x")], BAG_INFO)

    assert contents(tmp_path) == ["bag"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "at least one record"),
        ([item("REC-1", b"a"), item("REC-1", b"b")], "REC-1 is listed twice"),
        ([item("REC-1", b"a", sha256="not-a-digest")], "no valid SHA-256"),
    ],
)
def test_a_bag_that_makes_no_sense_is_refused(tmp_path, items, message):
    with pytest.raises(TransferPackageError, match=message):
        write_transfer_bag(tmp_path / "bag", items, BAG_INFO)

    assert contents(tmp_path) == []


def test_payload_oxum_cannot_be_given(tmp_path):
    with pytest.raises(ValueError, match="computed by bagit"):
        write_transfer_bag(
            tmp_path / "bag", [item("REC-1", b"a")], {"Payload-Oxum": "1.1"}
        )


def test_a_zipped_bag_unpacks_to_one_valid_bag(tmp_path):
    path = write_transfer_bag(
        tmp_path / "transfer-7",
        [item("REC-1", b"one"), item("REC-2", b"two")],
        BAG_INFO,
    )

    archive = zip_bag(path)

    assert archive == tmp_path / "transfer-7.zip"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "transfer-7",
        "transfer-7.zip",
    ]
    with zipfile.ZipFile(archive) as opened:
        assert {name.split("/")[0] for name in opened.namelist()} == {"transfer-7"}
        opened.extractall(tmp_path / "unpacked")
    assert bagit.Bag(str(tmp_path / "unpacked" / "transfer-7")).validate()
    with pytest.raises(TransferPackageError, match="already exists"):
        zip_bag(path)


def test_transfer_items_are_plain_frozen_data():
    record = item("REC-1", b"a")

    with pytest.raises(dataclasses.FrozenInstanceError):
        record.identifier = "REC-2"  # type: ignore[misc]
