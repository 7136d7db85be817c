"""What fuzzing checks of one input: the parser returns a report whatever the bytes, and every
figure it publishes is printed in the input. Shared by the property tests and the atheris target."""

from __future__ import annotations

import re

from .parse import parse_bytes
from .read import ReadError, decode, normalise

SUFFIXES = (".txt", ".html", ".md")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


class Violation(AssertionError):
    """The parser broke one of its promises on this input."""


def check_input(data: bytes, suffix: str) -> None:
    report = parse_bytes(data, suffix)  # any exception here is a finding of the fuzzer
    if report.status == "failed" and report.facts:
        raise Violation("a failed report publishes figures")
    reported = [f for f in report.facts if f.status == "reported"]
    if not reported:
        return
    try:
        text, _ = decode(data, html=suffix == ".html")
    except ReadError as exc:
        raise Violation(f"figures published from a file the reader refuses ({exc.code})") from exc
    digits = "\x00".join(_NUMBER.findall(normalise(text)))
    for f in reported:
        if f.value is None or f.value < 0:
            raise Violation(f"{f.section}/{f.row}/{f.column}: reported without a value ({f.value!r})")
        shown = str(int(f.value)) if float(f.value).is_integer() else repr(f.value)
        if shown not in digits:
            raise Violation(f"{f.section}/{f.row}/{f.column} = {shown} is printed nowhere in the input")
