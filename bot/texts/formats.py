"""Times, dates and rates as people in Vietnam read them: stored in UTC, shown in Vietnam time."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from bot.texts.catalogue import Messages

VIETNAM = timezone(timedelta(hours=7), "ICT")
_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})\s*$")


def local_time(t: Messages, moment: datetime) -> str:
    """Stored in UTC; people read Vietnam time."""
    local = moment.astimezone(VIETNAM)
    return t.AT_TIME.format(time=f"{local:%H:%M}", date=f"{local:%d/%m/%Y}")


def time_range(t: Messages, start: datetime, end: datetime | None) -> str:
    """'08:15 – 10:40 ngày 25/11/2026' when both fall on one day, as inspections usually do."""
    if end is None:
        return local_time(t, start)
    first, last = start.astimezone(VIETNAM), end.astimezone(VIETNAM)
    if first.date() == last.date():
        return t.AT_TIME.format(time=f"{first:%H:%M} – {last:%H:%M}", date=f"{last:%d/%m/%Y}")
    return f"{local_time(t, start)} – {local_time(t, end)}"


def short_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m")


def local_date(moment: datetime) -> date:
    """The Vietnam calendar day of a stored UTC moment: due dates and digests follow it."""
    return moment.astimezone(VIETNAM).date()


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


def cut(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters ending in "…" where it is longer: a button's label, a line
    of a summary."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def spans(numbers: list[int]) -> str:
    """'1–3, 5, 7, 8' for [1, 2, 3, 5, 7, 8] (sorted): three or more in a row are said as a range."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    said = [f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs]
    return ", ".join(said)


def parse_day(text: str) -> date | None:
    """'31/12/2026', '31-12-26', '1.2.2027': the ways people write a date in Vietnam (day first)."""
    match = _DATE.match(text)
    if not match:
        return None
    day_, month, year = int(match[1]), int(match[2]), int(match[3])
    if year < 100:
        year += 2000
    try:
        return date(year, month, day_)
    except ValueError:
        return None
