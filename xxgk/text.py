"""The rules of text that every stage shares: what a line is (the parser numbers lines by it, the
site shows sources by it) and how printed text is normalised before labels are matched."""

from __future__ import annotations

import unicodedata


def source_lines(text: str) -> list[str]:
    """The file's lines as the parser numbers them (line n is item n - 1): the breaks of
    str.splitlines (\\n, \\r, \\r\\n as one, \\v, \\f, \\x1c-\\x1e, \\x85, \\u2028, \\u2029), for every format."""
    return text.splitlines()


def source_text(text: str) -> str:
    """The file's text with every line ended by one "\\n": split on "\\n" alone, it gives the lines
    that figures' source_line numbers point at."""
    return "\n".join(source_lines(text)) + "\n"


_DASHES = (("\u2015", "—"), ("\u2500", "—"), ("\uff0d", "-"), ("\u2013", "-"), ("\u2212", "-"), ("\xa0", " "))
# The full-width punctuation reports print most, replaced by its NFKC form before NFKC (which then
# gives the same text): what is left is often normalised already, and NFKC itself is slow.
_FULL_WIDTH = tuple((ch, unicodedata.normalize("NFKC", ch)) for ch in "\uff0c\uff08\uff09\uff1a\uff1b\u3000")
_REPLACED = _DASHES + _FULL_WIDTH


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), one kind of dash, no zero-width characters."""
    for old, new in _REPLACED:  # str.replace is much faster than str.translate on CJK text
        if old in text:
            text = text.replace(old, new)
    if not unicodedata.is_normalized("NFKC", text):
        # line by line (no character composes across a "\n"): only the lines that need it
        text = "\n".join(line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
                         for line in text.split("\n"))
    return text.replace("\u200b", "").replace("\ufeff", "")
