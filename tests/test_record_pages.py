"""What record pages say beyond their facts: how to cite them."""

from __future__ import annotations

import pytest

from .factories import make_incident, make_vendor


def cite_this(client, record) -> str:
    html = client.get(record.get_absolute_url()).content.decode()
    start = html.index('<p class="cite-this">')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize(
    ("name", "cited"),
    [
        ("Clearview AI, Inc.", "“Clearview AI, Inc.”"),
        ("Acme Vision", "“Acme Vision.”"),
    ],
)
def test_cite_this_ends_the_title_with_one_period(client, db, name, cited):
    line = cite_this(client, make_vendor(name=name))
    assert cited in line
    assert "..”" not in line


def test_cite_this_keeps_a_title_s_question_mark_alone(client, db):
    line = cite_this(client, make_incident(title="Who approved the trial?"))
    assert "“Who approved the trial?”" in line
