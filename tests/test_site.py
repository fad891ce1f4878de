"""The one rule for "same site" (and "same page") and the one check of a --site value."""

from __future__ import annotations

import pytest

from scraper.errors import DagbokError
from scraper.site import same_page, same_site, site_root, www_twin


@pytest.mark.parametrize("url", [
    "https://www.allmannyttan.se/dar-vi-bor/",
    "https://allmannyttan.se/dar-vi-bor/",
    "http://www.allmannyttan.se/dar-vi-bor/",
    "http://allmannyttan.se:80/",
    "https://WWW.Allmannyttan.SE:443/x",
])
def test_www_and_bare_host_over_http_and_https_are_one_site(url):
    assert same_site(url, "https://www.allmannyttan.se/")
    assert same_site(url, "http://allmannyttan.se/")


@pytest.mark.parametrize("url", [
    "https://example.com/dar-vi-bor/",
    "https://blog.allmannyttan.se/",  # another host of the same domain
    "https://www.allmannyttan.se.example.com/",
    "https://wwwallmannyttan.se/",
    "https://www.allmannyttan.se:8443/",  # a port written out must be the site's
    "mailto:info@allmannyttan.se",
    "/dar-vi-bor/",  # relative: resolve it first
])
def test_other_hosts_and_ports_are_not_the_site(url):
    assert not same_site(url, "https://www.allmannyttan.se/")


def test_a_local_server_is_its_own_site_by_port():
    assert same_site("http://127.0.0.1:8765/x/", "http://127.0.0.1:8765/")
    assert not same_site("http://127.0.0.1:8766/x/", "http://127.0.0.1:8765/")


def test_www_twin_goes_both_ways():
    assert www_twin("www.allmannyttan.se") == "allmannyttan.se"
    assert www_twin("allmannyttan.se") == "www.allmannyttan.se"


@pytest.mark.parametrize(("given", "root"), [
    ("https://www.allmannyttan.se", "https://www.allmannyttan.se/"),
    ("HTTPS://WWW.Allmannyttan.se/dagbok/?x=1", "https://www.allmannyttan.se/"),
    ("http://allmannyttan.se:80/", "http://allmannyttan.se/"),
    ("http://127.0.0.1:8765", "http://127.0.0.1:8765/"),
])
def test_site_root_is_the_checked_form_of_a_site(given, root):
    assert site_root(given) == root


@pytest.mark.parametrize("given", ["allmannyttan.se", "ftp://allmannyttan.se/", "https://", "nowhere"])
def test_a_site_that_is_not_an_http_url_is_refused_with_an_example(given):
    with pytest.raises(DagbokError) as raised:
        site_root(given)
    assert str(raised.value) == f'site "{given}" is not an http(s) URL; give e.g. https://www.allmannyttan.se/'


@pytest.mark.parametrize("url, expected", [
    ("https://www.allmannyttan.se/alla-labb/", True),
    ("http://allmannyttan.se/alla-labb", True),  # the site's other form, no trailing slash
    ("/alla-labb/#comments", True),  # relative to the page
    ("https://www.allmannyttan.se/annat/", False),
    ("https://example.org/alla-labb/", False),  # the same path on another site
])
def test_same_page_is_the_path_on_the_site_in_any_of_its_forms(url, expected):
    assert same_page(url, "https://www.allmannyttan.se/alla-labb/") is expected
