"""Benchmark the board pack compiler against ``qpdf --pages`` on the same files.

Run: ``.venv/bin/python bench/bench_packs.py`` (``make bench-packs``).

Generates 60 text PDFs (500 pages, 1 to 40 pages each, deterministic) in a
temporary directory, then times in the same run:

* ``qpdf --empty --pages f1.pdf … -- out.pdf`` (median of 5, after a warm-up),
* ``compile_pack`` on the same files (median of 5 in-process, after a warm-up,
  as in a long-running task worker),

and measures the peak RSS of one compilation in a fresh subprocess. Exits 1
unless compile time is at most 3x qpdf's and the peak RSS at most 300 MB.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import machine  # noqa: E402
from meetings.packs import (  # noqa: E402
    PackAttachment,
    PackItem,
    PackSection,
    PackSpec,
    compile_pack,
)

ATTACHMENTS = 60
PAGES = 500
RUNS = 5
MAX_RATIO = 3.0
MAX_RSS_MB = 300.0
WORDS = (
    "council budget motion resolution ward planning road library park transit "
    "housing zoning bylaw amendment committee report appendix staff recommend "
    "approve capital operating variance tender contract consultation heritage"
).split()


def page_counts(seed: int = 2026) -> list[int]:
    """60 page counts from 1 to 40 that add up to 500."""
    rng = random.Random(seed)
    counts = [1, 40, 2, 25] + [
        rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12)) for _ in range(56)
    ]
    while sum(counts) != PAGES:
        index = rng.randrange(4, ATTACHMENTS)
        step = 1 if sum(counts) < PAGES else -1
        if 1 <= counts[index] + step <= 40:
            counts[index] += step
    return counts


def generate(folder: Path) -> list[Path]:
    """Write the attachments: a heading and 45 lines of words on every page."""
    from fpdf import FPDF

    rng = random.Random(7)
    paths = []
    for number, count in enumerate(page_counts(), 1):
        pdf = FPDF(format="letter")
        for page in range(1, count + 1):
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 14)
            pdf.text(20, 25, f"Report {number}: page {page} of {count}")
            pdf.set_font("Helvetica", size=10)
            for line in range(45):
                words = " ".join(rng.choice(WORDS) for _ in range(12))
                pdf.text(20, 36 + line * 5.5, words.capitalize() + ".")
        path = folder / f"attachment-{number:02d}.pdf"
        pdf.output(str(path))
        paths.append(path)
    return paths


def build_spec(paths: list[Path]) -> PackSpec:
    """An agenda of 8 sections whose items hold 1 to 3 of the attachments."""
    rng = random.Random(11)
    files = iter(enumerate(paths, 1))
    remaining = len(paths)
    sections = []
    for section_number in range(1, 9):
        items = []
        letters = "abcdefghijklmnopqrstuvwxyz"
        while remaining and len(items) < (8 if section_number == 8 else 4):
            take = min(rng.choice((1, 1, 2, 3)), remaining)
            remaining -= take
            attachments = []
            for _ in range(take):
                index, path = next(files)
                attachments.append(
                    PackAttachment(
                        f"Report {index}: {rng.choice(WORDS)} {rng.choice(WORDS)}",
                        lambda path=path: path.open("rb"),
                        "application/pdf",
                    )
                )
            items.append(
                PackItem(
                    f"{section_number}.{letters[len(items)]}",
                    f"Proposed {rng.choice(WORDS)} {rng.choice(WORDS)} for ward "
                    f"{rng.randint(1, 12)}",
                    tuple(attachments),
                    "That Council approve the recommendations in the staff report.",
                )
            )
        sections.append(
            PackSection(str(section_number), f"Section {section_number}", tuple(items))
        )
    return PackSpec(
        body_name="City Council",
        meeting_title="Regular meeting",
        starts_at=datetime.datetime(
            2026, 4, 14, 19, 0, tzinfo=ZoneInfo("America/Toronto")
        ),
        location="Council Chamber, City Hall",
        version=1,
        edition="Public pack",
        sections=tuple(sections),
    )


def time_qpdf(paths: list[Path], folder: Path) -> list[float]:
    command = [
        "qpdf",
        "--empty",
        "--pages",
        *map(str, paths),
        "--",
        str(folder / "q.pdf"),
    ]
    subprocess.run(command, check=True)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - start)
    return times


def time_compile(spec: PackSpec) -> tuple[list[float], int]:
    compile_pack(spec, io.BytesIO())  # warm-up: imports, font metrics
    times = []
    for _ in range(RUNS):
        output = io.BytesIO()
        start = time.perf_counter()
        result = compile_pack(spec, output)
        times.append(time.perf_counter() - start)
    return times, result.page_count


def peak_rss_mb(folder: Path) -> float:
    """Peak RSS of a fresh interpreter that compiles the pack once."""
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(child.stdout)["maxrss_kb"] / 1024


def child(folder: Path) -> None:
    paths = sorted(folder.glob("attachment-*.pdf"))
    with (folder / "pack.pdf").open("wb") as output:
        compile_pack(build_spec(paths), output)
    print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="quorum-bench-packs-") as tmp:
        folder = Path(tmp)
        paths = generate(folder)
        spec = build_spec(paths)
        qpdf_times = time_qpdf(paths, folder)
        compile_times, page_count = time_compile(spec)
        rss = peak_rss_mb(folder)
    qpdf_median = statistics.median(qpdf_times)
    compile_median = statistics.median(compile_times)
    ratio = compile_median / qpdf_median
    print(f"machine: {machine()}")
    print(
        f"input: {len(paths)} PDFs, {sum(page_counts())} pages; "
        f"pack: {page_count} pages"
    )
    print(f"qpdf --pages   median {qpdf_median:.3f} s  runs {_fmt(qpdf_times)}")
    print(f"compile_pack   median {compile_median:.3f} s  runs {_fmt(compile_times)}")
    print(
        f"ratio {ratio:.2f}x (limit {MAX_RATIO:.0f}x); "
        f"peak RSS {rss:.0f} MB (limit {MAX_RSS_MB:.0f} MB)"
    )
    passed = ratio <= MAX_RATIO and rss <= MAX_RSS_MB
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


def _fmt(times: list[float]) -> str:
    return " ".join(f"{t:.3f}" for t in times)


if __name__ == "__main__":
    sys.exit(main())
