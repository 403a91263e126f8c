"""The stylesheet's colours, checked where a browser is not needed: contrast is arithmetic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text()


def rule(selector: str) -> str:
    """The declarations of the first rule whose selector is exactly `selector`."""
    match = re.search(rf"(?m)^\s*{re.escape(selector)}\s*\{{([^}}]*)\}}", CSS)
    assert match, f"site.css has no rule for {selector}"
    return match.group(1)


def declaration(selector: str, name: str) -> str:
    match = re.search(rf"(?:^|;)\s*{re.escape(name)}\s*:\s*([^;]+)", rule(selector))
    assert match, f"{selector} sets no {name}"
    return match.group(1).strip()


def colour(value: str) -> str:
    """A value's colour: a var() is read from :root; the value must hold exactly one colour."""
    colours = [
        re.search(rf"{re.escape(name)}\s*:\s*(#[0-9a-fA-F]{{6}})", rule(":root")).group(1)
        for name in re.findall(r"var\((--[\w-]+)\)", value)
    ] + re.findall(r"#[0-9a-fA-F]{6}\b", value)
    assert len(colours) == 1, f"expected one colour in {value!r}, found {colours}"
    return colours[0]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_arithmetic_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_focus_ring_stands_out_on_every_background():
    """Two-colour focus (WCAG technique C40): the ring and its halo differ by 3:1, and each
    background has one of them beside it at 3:1 or more (WCAG 1.4.11, non-text contrast)."""
    ring = colour(declaration(":focus-visible", "outline"))
    halo = colour(declaration(":focus-visible", "box-shadow"))
    page = colour(declaration(":root", "background"))
    header = colour(declaration(".site-header", "background"))
    filters = colour(declaration(".filters", "background"))
    assert contrast(ring, halo) >= 3
    for background in (page, header, filters):
        assert max(contrast(ring, background), contrast(halo, background)) >= 3, background
    # The ring itself, not only its halo, shows on the light backgrounds where most focus lands.
    assert contrast(ring, page) >= 3 and contrast(ring, filters) >= 3
