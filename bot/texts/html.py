"""Escaping what people typed for Telegram HTML, the markup every reply is written in."""

from __future__ import annotations

import html


def esc(text: object) -> str:
    """Everything a user typed goes through here; quotes too, because texts can land in attributes."""
    return html.escape(str(text), quote=True)
