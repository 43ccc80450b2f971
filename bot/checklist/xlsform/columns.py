"""What the spreadsheet calls things, said once for the reader and the writer: our own columns, the
languages, the question types, the two fixed choice lists, and how an XLSForm name becomes an id."""

from __future__ import annotations

import re

from bot.checklist.model import ID_PATTERN, ItemType

NAMESPACE = "kiemtra"
# Declared in the settings sheet's `namespaces`, so the XForm that pyxform makes is namespace-well-formed.
NAMESPACES = f'{NAMESPACE}="urn:kiemtra-bot:checklist"'

# Columns of the survey sheet for what XLSForm has no column for. pyxform copies a `bind::` column onto
# the question's <bind> as an attribute in our namespace, where ODK tools leave it alone.
BASIS = f"bind::{NAMESPACE}:basis"
WEIGHT = f"bind::{NAMESPACE}:weight"
PHOTO = f"bind::{NAMESPACE}:photo"
UNIT = f"bind::{NAMESPACE}:unit"
# Columns of the settings sheet of our own; pyxform ignores a settings column it does not know.
TITLE_EN = f"{NAMESPACE}:title_en"
SCORING = {
    "pass": f"{NAMESPACE}:scoring_pass",
    "partial": f"{NAMESPACE}:scoring_partial",
    "fail": f"{NAMESPACE}:scoring_fail",
}

# The header of each language, as ODK spells them: `label::Vietnamese (vi)`.
LANGUAGE_NAMES = {"vi": "Vietnamese (vi)", "en": "English (en)"}

RATING_LIST = "rating"
YESNO_LIST = "yesno"
TYPES = {
    "text": ItemType.TEXT,
    "integer": ItemType.INTEGER,
    "decimal": ItemType.NUMBER,
    "date": ItemType.DATE,
    "image": ItemType.PHOTO,
}

_ID = re.compile(ID_PATTERN)


class Refusal(Exception):
    """What is wrong with one cell; the reader adds the file, sheet, row and column."""


def translated(column: str, lang: str) -> str:
    return f"{column}::{LANGUAGE_NAMES[lang]}"


def item_id(name: str) -> str | None:
    """`Ho_So.Tre_Han` -> `ho_so-tre_han`: lower-case, '.' as '-', and the '_' an XLSForm name needs in
    front of a digit dropped; None when that is still not an id."""
    converted = name.lower().replace(".", "-").removeprefix("_")
    return converted if _ID.fullmatch(converted) else None


def xlsform_name(id_: str) -> str:
    """The other way: an XLSForm name cannot start with a digit, so `1a` is written `_1a`."""
    return f"_{id_}" if id_[0].isdigit() else id_
