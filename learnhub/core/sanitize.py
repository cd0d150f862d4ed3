"""The one place trainer HTML is cleaned: an allow-list around bleach.

Everything that reaches a page from a trainer (the studio's editor, Markdown from courses/,
pasted HTML) passes through `clean_html` on write. Nothing else in the code base calls bleach.
"""

import bleach

# Structure and emphasis only: no style, script, svg, math, iframe, object, form, meta, base.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul", "video", "source", "track",
})

# Attributes per tag; no event handlers, no style, no id or name (DOM clobbering).
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "video": ["src", "controls", "width", "height", "poster", "preload"],
    "source": ["src", "type"],
    "track": ["src", "kind", "srclang", "label"],
    "ol": ["start", "type"],
    "td": ["colspan", "rowspan", "align"],
    "th": ["colspan", "rowspan", "align", "scope"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "code": ["class"],  # language-xxx from Markdown fences; CSS cannot run code
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def clean_html(html):
    """Trainer HTML made safe to show: allowed tags and attributes only, safe URLs only.

    Idempotent: cleaning cleaned HTML changes nothing.
    """
    if not html:
        return ""
    return _cleaner.clean(str(html))
