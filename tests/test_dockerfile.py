"""The image is built on machines without a container engine here, so this holds its COPY lines against
the packages pyproject.toml installs: a new top-level package cannot silently be left out of the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent


def installed_top_level_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return {name.split(".")[0] for name in find_packages(str(ROOT), include=include)}


def copied_into_the_image() -> dict[str, str]:
    """`COPY <source> <destination>` lines of the Dockerfile, source to destination."""
    copies: dict[str, str] = {}
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^COPY\s+(?!--)(.+)$", line.strip())
        if match:
            *sources, destination = match[1].split()
            copies.update({source.rstrip("/"): destination for source in sources})
    return copies


def test_the_image_copies_every_package_pyproject_installs() -> None:
    packages = installed_top_level_packages()
    assert packages == {"app", "bot", "handlers", "storage"}
    copies = copied_into_the_image()
    for package in packages:
        assert package in copies, f"the Dockerfile does not COPY {package}/"
        assert copies[package].rstrip("/") in (f"./{package}", package), f"{package}/ is copied elsewhere"
    assert "pyproject.toml" in copies and "README.md" in copies


def test_the_image_copies_nothing_that_must_stay_out() -> None:
    copies = copied_into_the_image()
    assert not {".", ".env", "data", ".venv", "tests"} & set(copies)
