"""Public Telegram channels through their web preview ``https://t.me/s/<channel>``.

One listing per post with text. A broker post is usually a whole price list, so ``title`` is the
full text (``message=True``) and the caller splits it into offers; ``price`` stays ``None``.

Page quirks:

- The preview shows about 20 posts, oldest at the top. Older posts are at ``?before=<id>`` with
  the smallest id on the page (also in ``a.tme_messages_more[data-before]`` and
  ``link[rel=prev]``); the ``data-after`` link at the bottom goes to newer posts and is ignored.
- Each post is ``div.tgme_widget_message[data-post="<channel>/<id>"]``; its text is
  ``div.tgme_widget_message_text`` with ``<br>`` line breaks, ``<b>``/``<a>`` markup and emoji
  wrapped as ``<i class="emoji"><b>🍅</b></i>``. A reply first quotes its parent in a block of
  the same class (``.js-message_reply_text`` inside ``.tgme_widget_message_reply``): skipped.
- Brokers strike old prices through (``<s>``, sometimes ``<del>``/``<strike>``); struck text is
  dropped so that only the current price is left on the line.
- Service messages (``.service_message``: channel created, photo changed, pinned) and posts
  without text (photo-only) are skipped.
- The date is ``a.tgme_widget_message_date time[datetime]`` with an offset (always +00:00 so
  far); ``posted_at`` is UTC. Views (``span.tgme_widget_message_views``, "1.2K") go to ``extra``.
- A page holding post 1 is the channel's first; before it the page shows
  ``.tme_no_messages_found`` ("No posts found"). Telegram also serves that to a client it
  throttles, so a run that stops on it early just resumes next time. A missing, private or
  renamed channel redirects to ``t.me/<name>`` ("If you have Telegram, you can contact ..."):
  no message list, so :class:`ParseError`.

Option ``until`` (ISO date or datetime, UTC when naive): stop paging back once the oldest post
on the page is older than it (the page's own posts are still returned).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from scrapers._html import make_soup
from scrapers.base import Page, ParseError, RawListing, Source

_STRUCK = ("s", "del", "strike")
_BR = "\x1e"  # stands for <br> while the text is flattened
_CHANNEL = re.compile(r"[A-Za-z0-9_]{1,64}")  # Telegram usernames: 5-32 of these
_POST_ID = re.compile(r"[0-9]{1,15}")


class Telegram(Source):
    kind = "telegram"

    def __init__(self, url: str, options: dict[str, Any] | None = None) -> None:
        super().__init__(url, options)
        self.until = _moment(self.options.get("until"))

    def parse(self, text: str, url: str) -> Page:
        soup = make_soup(text)
        messages = soup.select("div.tgme_widget_message[data-post]")
        if not messages and not soup.select_one(".tgme_channel_history, .tgme_channel_info"):
            title = soup.title.get_text(" ", strip=True)[:80] if soup.title else "no title"
            raise ParseError(
                f"not a Telegram channel preview ({title!r}): no message list on the page; the "
                "channel may be private, renamed or missing (use https://t.me/s/<channel>)"
            )
        listings: list[RawListing] = []
        ids: list[int] = []
        times: list[datetime] = []
        for message in messages:
            channel, _, post_id = str(message["data-post"]).rpartition("/")
            if not _CHANNEL.fullmatch(channel) or not _POST_ID.fullmatch(post_id):
                continue  # not a post reference Telegram writes (str.isdigit() also takes "²")
            ids.append(int(post_id))
            moment = _posted(message)
            if moment is not None:
                times.append(moment)
            listing = self._listing(message, channel, post_id, moment)
            if listing is not None:
                listings.append(listing)
        return Page(listings, self._next_url(soup, url, ids, times))

    def _listing(
        self, message: Tag, channel: str, post_id: str, moment: datetime | None
    ) -> RawListing | None:
        if "service_message" in (message.get("class") or []):
            return None
        block = next(
            (
                t
                for t in message.select("div.tgme_widget_message_text:not(.js-message_reply_text)")
                if t.find_parent(class_="tgme_widget_message_reply") is None
            ),
            None,
        )
        body = _text(block) if block is not None else ""
        if not body:
            return None
        views_tag = message.select_one("span.tgme_widget_message_views")
        views = views_tag.get_text(strip=True) if views_tag is not None else ""
        extra = {"views": views} if views else {}
        return RawListing(
            listing_id=f"{channel}/{post_id}",
            url=f"https://t.me/{channel}/{post_id}",
            title=body,
            price=None,
            currency=None,
            posted_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None,
            message=True,
            extra=extra,
        )

    def _next_url(
        self, soup: BeautifulSoup, url: str, ids: list[int], times: list[datetime]
    ) -> str | None:
        """``?before=<smallest id>`` on the page's own URL, unless nothing older can exist."""
        if not ids or soup.select_one(".tme_no_messages_found") is not None or min(ids) <= 1:
            return None
        if self.until is not None and times and min(times) < self.until:
            return None
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("before", "after")]
        query.append(("before", str(min(ids))))
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def _moment(value: object) -> datetime | None:
    """The ``until`` option as an aware datetime; a bad value fails when the source is built."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"telegram option until={value!r} is not an ISO date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _posted(message: Tag) -> datetime | None:
    """The post's time in UTC (``time[datetime]`` of its date link)."""
    node = message.select_one("a.tgme_widget_message_date time[datetime]") or message.select_one(
        "time[datetime]"
    )
    if node is None:
        return None
    try:
        moment = datetime.fromisoformat(str(node["datetime"]).strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # "9999-12-31T23:00:00-05:00" is past datetime.max
        return None


def _text(block: Tag) -> str:
    """The visible text with ``<br>`` as newlines, struck text dropped, spaces tidied per line.

    One walk over the block, which is not changed: replacing or removing a node in bs4 costs a
    search of its parent's children, so doing that per ``<br>`` or ``<s>`` was quadratic (100,000
    ``<br>`` took minutes). Iterative, not recursive: a page may nest tags 10,000 deep."""
    types = block.interesting_string_types or Tag.MAIN_CONTENT_STRING_TYPES
    parts: list[str] = []
    stack = [iter(block.contents)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif isinstance(node, Tag):
            if node.name == "br":
                parts.append(_BR)
            elif node.name not in _STRUCK:
                stack.append(iter(node.contents))
        elif isinstance(node, NavigableString) and (
            type(node) is types if isinstance(types, type) else type(node) in types
        ):
            parts.append(node)
    lines = [" ".join(part.split()) for part in "".join(parts).split(_BR)]
    return "\n".join(lines).strip("\n")  # no empty lines before or after the text
