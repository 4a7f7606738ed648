"""The one list of bot-wall signs (``scrapers._walls``): every sign in it is looked for by the
check its place and site say, and ordinary pages are not walls."""

from __future__ import annotations

import pytest

from scrapers._html import wall_sign
from scrapers._walls import SIGNS, Sign, path_sign, signs, text_sign, title_sign
from scrapers.base import BlockedError, ParseError
from scrapers.ebay import Ebay
from scrapers.woocommerce import WooCommerce

EBAY = "https://www.ebay.com/sch/i.html?_nkw=s19"
SHOP = "https://shop.example.com"


def page(title: str = "Shop", body: str = "") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def _id(sign: Sign) -> str:
    return f"{sign.where}:{sign.site or 'any'}:{sign.text}"


@pytest.mark.parametrize("sign", SIGNS, ids=_id)
def test_every_sign_is_looked_for(sign: Sign) -> None:
    shown = sign.text.upper() if sign.where in ("title", "text") else sign.text
    if sign.where == "title" and sign.site is None:
        assert wall_sign(page(f"{shown}...")) == f"page title '{shown}...'"
    elif sign.where == "title" and sign.site == "ebay":
        with pytest.raises(BlockedError, match="eBay bot wall"):
            Ebay(EBAY).parse(page(f"{shown}..."), EBAY)
    elif sign.where == "id":
        assert wall_sign(page(body=f'<div id="{shown}"></div>')) == f"element #{shown}"
    elif sign.where == "script":
        assert wall_sign(page(body=f"<script>var x = '{shown}';</script>")) == shown
    elif sign.where == "text" and sign.site is None:
        with pytest.raises(BlockedError, match="challenge page"):
            WooCommerce(SHOP).parse(page(body=f"<p>{shown}</p>"), f"{SHOP}/wp-json")
    elif sign.where == "text" and sign.site == "ebay":
        with pytest.raises(BlockedError, match="eBay bot wall or captcha"):
            Ebay(EBAY).parse(page(body=f"<p>{shown}</p>"), EBAY)
    elif sign.where == "path":
        assert path_sign(f"/a/{sign.text.upper()}/b?c=1") == sign
        assert path_sign(f"/a/x-{sign.text}.html") == sign
    else:
        pytest.fail(f"no check reads {_id(sign)}: say which one in scrapers/_walls.py")


def test_each_sign_is_listed_once() -> None:
    keys = [(s.where, s.text, s.site) for s in SIGNS]
    assert len(keys) == len(set(keys))
    assert all(s.text == s.text.lower() for s in SIGNS if s.where in ("title", "text", "path"))


def test_ordinary_pages_are_not_walls() -> None:
    # Cloudflare and Imperva inject these into ordinary pages too: not signs on a shop page
    shop = page(
        "Used Antminer S19 | Shop",
        '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script>'
        '<script src="/_Incapsula_Resource?SWJIYLWA=1"></script><h1>Antminer S19</h1>',
    )
    assert wall_sign(shop) is None
    assert title_sign("Antminer S19 95TH used") is None
    assert path_sign("/collections/challenges") is None
    assert path_sign("/products/captchas-are-fun") is None


def test_a_site_reads_its_own_signs() -> None:
    """eBay titles its search pages with the search words: a generic title sign there could be
    a search, so eBay reads only eBay's; the generic check reads only site-less signs."""
    assert title_sign("Security Measure", site="ebay") is not None
    assert title_sign("Security Measure") is None
    assert title_sign("Access Denied antminer for sale | eBay", site="ebay") is None
    with pytest.raises(ParseError) as err:
        Ebay(EBAY).parse(page("Access Denied antminer for sale | eBay"), EBAY)
    assert type(err.value) is ParseError  # not a wall: "layout changed?"
    assert text_sign("<p>splashui</p>") is None
    assert signs("text", "ebay")
    assert signs("text", "nowhere") == ()
    assert text_sign("anything", site="nowhere") is None
