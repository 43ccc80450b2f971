"""The canonical answers stored for the choice questions, whatever language they were given in."""

from __future__ import annotations

from enum import StrEnum


class Value(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"
    NA = "na"
    YES = "yes"
    NO = "no"


VERDICTS = (Value.PASS, Value.PARTIAL, Value.FAIL, Value.NA)
"""A rating's values in the order results show them, from best to not applicable."""
SHORTCOMINGS = frozenset({Value.FAIL, Value.PARTIAL})
"""The ratings that are a shortcoming: a note is asked for, and a follow-up is opened."""
