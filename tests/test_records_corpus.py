"""The upload gate against real-world odd and broken files (tests/corpus).

Every file ends in a clear accept or reject: never another exception, never a
hang, and always the outcome tests/corpus/expected.toml records for it, so a
regression that turns a refusal into a crash or an accepted file into a
refusal shows up here. tests/corpus/SOURCES.md says where each file comes from.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import tomllib
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from records.ingest import InspectedFile, RejectedUpload, inspect_upload
from records.models import Record, TextStatus
from records.services import store_record

CORPUS = Path(__file__).parent / "corpus"
SOURCES = CORPUS / "SOURCES.md"
MANIFEST = CORPUS / "expected.toml"
SAMPLES = sorted(
    path.name for path in CORPUS.iterdir() if path not in (SOURCES, MANIFEST)
)
EXPECTED = tomllib.loads(MANIFEST.read_text("utf-8"))
NO_TEXT_SAMPLES = [
    name
    for name, expected in EXPECTED.items()
    if expected.get("text_status") == TextStatus.NO_TEXT
]

# The slowest sample takes about 4 s; far beyond that, a file counts as hung.
SECONDS_PER_FILE = 20
# Room for ingest to allocate beyond what the test process already holds: a
# memory bomb then fails its test instead of exhausting the machine.
EXTRA_MEMORY_BYTES = 1536 * 1024 * 1024


def inspect_with_limits(name: str) -> dict:
    """inspect_upload on a corpus file in a forked process that is killed
    after SECONDS_PER_FILE, so a hang fails one test instead of the suite."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_inspect_and_report, args=(name, sender))
    child.start()
    sender.close()
    try:
        if not receiver.poll(SECONDS_PER_FILE):
            pytest.fail(f"{name}: no accept or reject within {SECONDS_PER_FILE} s")
        try:
            return receiver.recv()
        except EOFError:
            child.join()
            pytest.fail(f"{name}: ingest died (exit code {child.exitcode})")
    finally:
        receiver.close()
        child.kill()
        child.join()


def _inspect_and_report(name: str, sender: Connection) -> None:
    _limit_memory()
    try:
        with open(CORPUS / name, "rb") as data:
            inspected = inspect_upload(name=name, data=data)
    except RejectedUpload as rejected:
        sender.send({"outcome": "rejected", "message": rejected.message})
    except BaseException:
        sender.send({"outcome": "crashed", "traceback": traceback.format_exc()})
    else:
        sender.send({"outcome": "accepted", "inspected": inspected})


def _limit_memory() -> None:
    try:
        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: run without the limit
        return
    limit = in_use + EXTRA_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("name", SAMPLES)
def test_every_file_ends_in_its_expected_accept_or_reject(name):
    expected = EXPECTED.get(name)
    assert expected is not None, f"{name} has no entry in {MANIFEST.name}"

    result = inspect_with_limits(name)

    assert result["outcome"] != "crashed", result.get("traceback")
    assert result["outcome"] == expected["outcome"], result
    if result["outcome"] == "rejected":
        assert_clear_refusal(name, result["message"], expected)
    else:
        assert_accepted_as_expected(result["inspected"], expected)


def assert_clear_refusal(name: str, message: str, expected: dict) -> None:
    assert message.startswith(f"“{name}” ")
    assert expected["message"] in message


def assert_accepted_as_expected(inspected: InspectedFile, expected: dict) -> None:
    assert isinstance(inspected, InspectedFile)
    assert inspected.text_status == expected["text_status"]
    assert (inspected.text == "") == (inspected.text_status == TextStatus.NO_TEXT)
    if inspected.mime_type == "application/pdf":
        assert len(inspected.page_texts) == inspected.page_count > 0
    if "pages" in expected:
        assert inspected.page_count == expected["pages"]
    if "text" in expected:
        assert expected["text"] in inspected.text
    if "not_text" in expected:
        assert expected["not_text"] not in inspected.text


def test_every_file_in_the_manifest_is_in_the_corpus():
    assert sorted(EXPECTED) == SAMPLES


def test_sources_name_every_file_with_its_expected_outcome():
    """SOURCES.md is where people read the expectations: keep it in step."""
    rows = {
        cells[0].strip("` "): cells[-1].lower()
        for line in SOURCES.read_text("utf-8").splitlines()
        if line.startswith("| `")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }

    assert sorted(rows) == SAMPLES
    for name, expected in EXPECTED.items():
        if expected["outcome"] == "rejected":
            assert rows[name].startswith("reject"), name
        else:
            status = expected["text_status"].replace("_", " ")
            assert rows[name].startswith(f"accept, {status}"), name


@pytest.mark.django_db
@pytest.mark.storage
@pytest.mark.parametrize("name", NO_TEXT_SAMPLES)
def test_a_valid_file_without_text_is_stored_and_flagged(name):
    """GIVEN a real file that is valid but has no text to extract (a scan, a
    picture-only document): it is kept and flagged, never dropped."""
    content = (CORPUS / name).read_bytes()

    record = store_record(upload_name=name, data=io.BytesIO(content), title=name)

    record = Record.objects.get(pk=record.pk)
    assert (record.text_status, record.text) == (TextStatus.NO_TEXT, "")
    assert record.original_filename == name
    with record.file.open("rb") as stored:
        assert stored.read() == content
