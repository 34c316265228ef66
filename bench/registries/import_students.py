"""Benchmark: importing 20,000 students from an .xlsx (target: < 20 s, peak RSS < 500 MB).

Sets up a database with the default demo (college DEMO and its 42 classes), writes a workbook
of 20,000 new students (``people_data.student_draft``: valid, distinct ID numbers; minors with
a guardian) with the import's own columns and Chinese headers, then times

    tandem import students FILE --college DEMO

as a subprocess: wall time, and its peak resident set size (``getrusage(RUSAGE_CHILDREN)``;
the setup runs in this process, so the import is the only child measured). Then it checks that
the college has 20,000 more students.

    .venv/bin/python bench/registries/import_students.py [--db sqlite|postgresql] [--rows N]

The workbook keeps its text in a shared-strings table, as Excel and WPS save it (openpyxl writes
every text cell inline, which is slower to read); ``--strings inline`` measures that case.

On PostgreSQL it uses the schema ``bench_import`` only (dropped and created, then dropped).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from common import (
    DEFAULT_PG_URL,
    children_cpu_seconds,
    children_peak_rss_mb,
    configure,
    drop_schema,
    fresh_schema,
    load_average,
    machine,
    run_tandem,
    stamp,
)

SCHEMA = "bench_import"
COLLEGE = "DEMO"
TARGET_SECONDS = 20.0
TARGET_RSS_MB = 500.0
NOT_AVAILABLE = 2  # exit status when `tandem import` does not exist (yet)


def student_columns() -> Any:
    """The import's columns (headers and keys), as its template has them."""
    from tandem.imports.columns import STUDENT_COLUMNS

    return STUDENT_COLUMNS


def setup(url: str) -> tuple[list[tuple[str, int]], set[str], int]:
    """Migrate, load the default demo; DEMO's (class name, cohort), ID hashes, student count."""
    from sqlalchemy import func, select

    from tandem.college.models import College
    from tandem.db import session_scope
    from tandem.demo import build_demo
    from tandem.migrations import upgrade
    from tandem.people.models import SchoolClass, Student

    upgrade(url)
    with session_scope() as session:
        build_demo(session)
        college_id = session.scalar(select(College.id).where(College.code == COLLEGE))
        classes = [
            (c.name, c.cohort_year)
            for c in session.scalars(
                select(SchoolClass)
                .where(SchoolClass.college_id == college_id)
                .order_by(SchoolClass.name)
            )
        ]
        hashes = set(
            session.scalars(select(Student.id_number_hash).where(Student.college_id == college_id))
        )
        count = session.scalar(
            select(func.count(Student.id)).where(Student.college_id == college_id)
        )
    return classes, {h for h in hashes if h}, count or 0


def student_rows(
    classes: list[tuple[str, int]], taken: set[str], count: int, seed: int
) -> list[dict[str, Any]]:
    """``count`` new students spread over ``classes``; ID numbers not yet in the college."""
    from tandem.demo.people_data import phone, student_draft
    from tandem.kit.crypto import cipher

    rng = random.Random(seed)
    data_cipher = cipher()
    seen = set(taken)
    rows = []
    for index in range(count):
        class_name, cohort = classes[index % len(classes)]
        number = f"{cohort}9{index:05d}"  # 9 in the 5th place: no demo student has it
        person = student_draft(rng, cohort=cohort, number=number)
        while data_cipher.lookup_hash(person.id_number) in seen:
            person = student_draft(rng, cohort=cohort, number=number)
        seen.add(data_cipher.lookup_hash(person.id_number))
        rows.append(
            {
                "student_number": person.number,
                "name": person.name,
                "gender": "男" if person.gender == "M" else "女",
                "birth_date": person.birth_date,
                "id_number": person.id_number,
                "class_name": class_name,
                "cohort": cohort,
                "phone": person.phone,
                "guardian_name": person.name[0] + rng.choice(["建国", "秀兰", "志明", "丽华"]),
                "guardian_phone": phone(rng),
            }
        )
    return rows


INLINE_CELL = re.compile(
    r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>',
    re.S,
)
SHEET = "xl/worksheets/sheet1.xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(data: bytes) -> bytes:
    """The same workbook with its inline text cells moved to a shared-strings table."""
    strings: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for item in zin.infolist():
            part = zin.read(item.filename).decode()
            if item.filename == SHEET:
                part = INLINE_CELL.sub(shared, part)
            elif item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
                part = part.replace("</Types>", override + "</Types>")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                relation = (
                    f'<Relationship Id="rIdSst" Type="{SST_REL}" Target="sharedStrings.xml"/>'
                )
                part = part.replace("</Relationships>", relation + "</Relationships>")
            zout.writestr(item, part)
        table = "".join(f"<si><t>{text}</t></si>" for text in strings)
        zout.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>',
        )
    return out.getvalue()


def write_xlsx(path: Path, rows: list[dict[str, Any]], *, inline: bool) -> None:
    from tandem.kit.spreadsheet import write_workbook

    columns = student_columns()
    values = ([row.get(c.key) for c in columns] for row in rows)
    data = write_workbook(columns, values, language="zh_CN", title="学生")
    path.write_bytes(data if inline else shared_strings(data))


def college_students(url: str) -> int:
    from sqlalchemy import func, select

    from tandem.college.models import College
    from tandem.db import build_engine
    from tandem.people.models import Student

    engine = build_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(
            select(func.count(Student.id))
            .join(College, College.id == Student.college_id)
            .where(College.code == COLLEGE)
        )
    engine.dispose()
    return count or 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-file", type=Path, help="also save the workbook here")
    parser.add_argument("--strings", choices=["shared", "inline"], default="shared")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as tmp:
        var = Path(tmp) / "var"
        if args.db == "postgresql":
            configure(args.pg_url, var)
            url = fresh_schema(args.pg_url, SCHEMA)
        else:
            url = f"sqlite:///{Path(tmp) / 'import.db'}"
        env = configure(url, var)
        try:
            started = time.perf_counter()
            classes, taken, before = setup(url)
            rows = student_rows(classes, taken, args.rows, args.seed)
            workbook = Path(tmp) / "students.xlsx"
            write_xlsx(workbook, rows, inline=args.strings == "inline")
            if args.keep_file:
                args.keep_file.write_bytes(workbook.read_bytes())
            print(
                f"setup: demo + {len(rows)} rows in {workbook.stat().st_size / 1e6:.1f} MB of "
                f".xlsx, {time.perf_counter() - started:.1f} s"
            )
            load = load_average()
            run = run_tandem(["import", "students", str(workbook), "--college", COLLEGE], env)
            rss = children_peak_rss_mb()
            cpu = children_cpu_seconds()
            after = college_students(url)
        finally:
            if args.db == "postgresql":
                drop_schema(args.pg_url, SCHEMA)
    if run.returncode == NOT_AVAILABLE and "No such command" in run.output:
        print(run.output[-2000:], file=sys.stderr)
        print("not yet measured: `tandem import students` is not available", file=sys.stderr)
        return NOT_AVAILABLE
    added = after - before
    ok = run.returncode == 0 and added == len(rows)
    met = ok and run.seconds < TARGET_SECONDS and rss < TARGET_RSS_MB
    print(run.output[-1500:])
    print(
        f"{args.db}: imported {added} of {len(rows)} rows in {run.seconds:.1f} s, peak RSS "
        f"{rss:.0f} MB (targets < {TARGET_SECONDS:.0f} s, < {TARGET_RSS_MB:.0f} MB: "
        f"{'met' if met else 'MISSED' if ok else 'FAILED'}); CPU {cpu:.1f} s, "
        f"load average {load:.1f} before"
    )
    result = {
        "db": args.db,
        "rows": len(rows),
        "strings": args.strings,
        "added": added,
        "exit": run.returncode,
        "seconds": run.seconds,
        "peak_rss_mb": rss,
        "cpu_s": cpu,
        "load_average": load,
        "machine": machine(),
        "date": stamp(),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
