"""Checks: the template's own arithmetic, as coded findings. A check never changes a figure."""

from __future__ import annotations

from .codebook import load
from .model import Report


def check(report: Report) -> None:
    pass
