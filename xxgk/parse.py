"""One report file in, one parsed and checked report out (pure: bytes in, records out)."""

from __future__ import annotations

from . import check
from .extract import extract
from .model import Report
from .read import ReadError, read_bytes


def parse_bytes(data: bytes, suffix: str) -> Report:
    try:
        doc = read_bytes(data, suffix)
    except ReadError as exc:
        report = Report(status="failed", format=suffix.lstrip(".").lower())
        report.add(exc.code, "error", exc.message_zh, exc.message_en)
        return report
    report = extract(doc)
    check.check(report)
    return report
