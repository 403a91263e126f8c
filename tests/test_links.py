"""Record addresses built from a pattern reversed once (agencies/links.py) are the addresses
Django's reverse() gives, under a script prefix too."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from agencies.links import record_url

RECORD_PAGES = [
    ("agencies:agency_detail", "toronto-police-service"),
    ("agencies:vendor_detail", "clearview-ai"),
    ("agencies:incident_detail", "a-breach"),
    ("agencies:action_detail", "an-investigation"),
    ("agencies:authority_detail", "a-commissioner"),
    ("agencies:source_detail", "ctv-2020"),
    ("agencies:use_detail", 12),
    ("agencies:statement_detail", 7),
]


@pytest.fixture(params=["/tracker/", "/données publiques/"])
def script_prefix(request):
    """A prefix as deployed under one (SCRIPT_NAME), and one that reverse() percent-encodes."""
    set_script_prefix(request.param)
    yield request.param
    set_script_prefix("/")


@pytest.mark.parametrize(("view_name", "key"), RECORD_PAGES)
def test_the_address_is_the_one_reverse_gives(view_name, key):
    assert record_url(view_name, key) == reverse(view_name, args=[key])


@pytest.mark.parametrize(("view_name", "key"), RECORD_PAGES)
def test_under_a_script_prefix_too(script_prefix, view_name, key):
    built = record_url(view_name, key)
    assert built == reverse(view_name, args=[key])
    assert built.count("/agencies/") + built.count("/uses/") <= 1  # the prefix once, not twice
    assert record_url(view_name, key) == built  # and from the cached pattern alike


def test_a_view_without_one_argument_is_refused():
    with pytest.raises(NoReverseMatch):
        record_url("agencies:dashboard", 1)


@pytest.mark.django_db
def test_a_page_writes_its_links_under_its_requests_prefix(client, seeded, script_prefix):
    # The prefix is read once per request (OneScriptPrefixPerRequestMiddleware), as Django
    # set it when the request started; the test client leaves the one set here.
    page = client.get("/agencies/toronto-police-service/").content.decode()
    vendor = reverse("agencies:vendor_detail", args=["clearview-ai"])
    assert vendor != "/vendors/clearview-ai/"  # under the prefix (percent-encoded as needed)
    assert f'href="{vendor}"' in page
    # Outside a request, an address follows the prefix as it is now.
    set_script_prefix("/elsewhere/")
    assert (
        record_url("agencies:vendor_detail", "clearview-ai") == "/elsewhere/vendors/clearview-ai/"
    )
