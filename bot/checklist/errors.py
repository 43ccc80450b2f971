"""The one kind of error a checklist file raises, whatever its format, and pydantic's complaints in words.

Administrators write these files by hand (YAML) or in a spreadsheet (XLSForm), so every mistake is
reported as one Vietnamese line that says where it is, never as a traceback.
"""

from __future__ import annotations

import re
from typing import Any


class ChecklistError(Exception):
    """One line for the administrator: file, where in it, and what is wrong."""


def explain(error: Any) -> str:
    """One pydantic error (an entry of `ValidationError.errors()`) as the administrator reads it."""
    kind = error["type"]
    if kind == "missing":
        return "thiếu trường bắt buộc"
    if kind == "extra_forbidden":
        return "trường không được hỗ trợ (kiểm tra chính tả)"
    if kind == "enum":
        return f"giá trị phải là một trong: {error['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        return "mã chỉ gồm chữ thường không dấu, số, '-' hoặc '_' (tối đa 40 ký tự)"
    if kind == "too_short":
        least = error["ctx"]["min_length"]
        return "danh sách không được để trống" if least == 1 else f"cần ít nhất {least} mục"
    if kind == "too_long":
        return f"nhiều nhất {error['ctx']['max_length']} mục"
    if kind == "string_too_short":
        return f"quá ngắn (ít nhất {error['ctx']['min_length']} ký tự)"
    if kind == "string_too_long":
        return f"quá dài (nhiều nhất {error['ctx']['max_length']} ký tự)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        return f"phải {sign} {next(iter(error['ctx'].values())):g}"
    if kind in ("float_parsing", "int_parsing", "int_from_float", "float_type", "int_type"):
        return "phải là một số" + (" nguyên" if kind.startswith("int") else "")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return re.sub(r"\s+", " ", str(error["msg"]))
