"""The one place trainer HTML is cleaned: an allow-list around bleach.

Everything that reaches a page from a trainer (the studio's editor, Markdown from courses/,
pasted HTML) passes through `clean_html` on write. Nothing else in the code base calls bleach.

The rules: safe tags only; attributes per tag; only http, https and mailto URLs (and
addresses on this site); no style, script, svg, math, iframe, object, form, meta, base,
event handlers, id or name. Elements that hold code or another language (script, style,
svg, math, template...) go with everything inside them, so that no half of a payload is
left to recombine. `clean_html` can also say what it removed, for the studio's editor.
"""

import html
import re

import bleach
from bleach import html5lib_shim
from bleach.sanitizer import BleachSanitizerFilter

# Structure and emphasis only.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "del",
        "details",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "video",
        "source",
        "track",
    }
)

# Removed together with their content: code, styles, foreign markup, embedded documents,
# and the raw-text elements whose content the parser reads differently in other contexts.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "svg",
        "math",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "template",
        "noscript",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "textarea",
        "title",
        "select",
        "option",
        "head",
        "meta",
        "link",
        "base",
        "form",
        "button",
        "input",
        "canvas",
        "audio",
        "portal",
        "param",
    }
)

_CODE_CLASS = re.compile(r"^language-[a-z0-9+#_-]{1,30}$")


def _code_class(_tag, name, value):
    # Markdown fences give <code class="language-python">; no other class may borrow the
    # site's own styles (a lesson must not dress up as an error message or a button).
    return name == "class" and bool(_CODE_CLASS.match(value or ""))


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
    "code": _code_class,
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Deeper than this is no lesson but an attack on the parser (or a broken paste).
MAX_DEPTH = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)


# What `removed` holds when the HTML nested too deeply and only its text was kept.
TOO_DEEP = "too-deep"


def _scheme(value):
    # As a browser reads a URL: every HTML5 entity decoded (&colon; too, which bleach's own
    # table lacks), the tabs, newlines and spaces it ignores left out.
    plain = re.sub(r"[`\000-\040\177-\240\s]+", "", html.unescape(value or "")).lower()
    head = re.split(r"[/?#]", plain, maxsplit=1)[0]
    return head.split(":", 1)[0][:20] if ":" in head else ""


def _unsafe_scheme(value):
    scheme = _scheme(value)
    return bool(scheme) and scheme not in ALLOWED_PROTOCOLS


class _Filter(BleachSanitizerFilter):
    """bleach's filter, which also drops dangerous subtrees and notes what it removed."""

    removed = None  # a set, given by _Cleaner.clean

    def sanitize_stream(self, token_iterator):
        depth = 0
        for token in token_iterator:
            kind, name = token["type"], token.get("name", "")
            if depth:
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth -= 1
                continue
            if kind in ("StartTag", "EmptyTag") and name.lower() in DROPPED_WITH_CONTENT:
                self.removed.add(f"<{name.lower()}>")
                if kind == "StartTag":
                    depth = 1
                continue
            yield from super().sanitize_stream([token])

    def sanitize_token(self, token):
        kind = token["type"]
        if kind in ("StartTag", "EmptyTag") and token["name"] not in self.allowed_tags:
            self.removed.add(f"<{token['name']}>")
        elif kind == "Comment":
            self.removed.add("<!-- -->")
        return super().sanitize_token(token)

    def allow_token(self, token):
        before = dict(token.get("data") or {})
        for key, value in before.items():
            if key in self.attr_val_is_uri and _unsafe_scheme(value):
                del token["data"][key]  # reported below, with the other dropped attributes
        token = super().allow_token(token)
        for (namespace, name), value in before.items():
            if (namespace, name) in token.get("data", {}):
                continue
            if name.lower().startswith("on"):
                self.removed.add(f"{name.lower()}=")
            elif self.attr_filter(token["name"], name, value):
                scheme = _scheme(value)
                self.removed.add(f'{name}="{scheme}:"' if scheme else f"{name}=")
            else:
                self.removed.add(f"{name.lower()}=")
        return token


class _Cleaner(bleach.Cleaner):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Build the whole tree as a browser would (bleach's own parser drops unknown tags
        # while reading): the filter then sees every element, removes the dangerous ones
        # with their content, and can say what it removed.
        self.parser = html5lib_shim.BleachHTMLParser(
            tags=None, strip=True, consume_entities=False, namespaceHTMLElements=False
        )

    def clean(self, text, removed=None):
        dom = self.parser.parseFragment(text)
        filtered = _Filter(
            source=self.walker(dom),
            allowed_tags=self.tags,
            attributes=self.attributes,
            strip_disallowed_tags=self.strip,
            strip_html_comments=self.strip_comments,
            css_sanitizer=self.css_sanitizer,
            allowed_protocols=self.protocols,
        )
        filtered.removed = removed if removed is not None else set()
        return self.serializer.render(filtered)


_cleaner = _Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def nesting_depth(html):
    """How deep the elements of `html` nest, counted from its tags without building a tree."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def clean_html(html, removed=None):
    """Trainer HTML made safe to show: allowed tags and attributes only, safe URLs only.

    Pass a set as `removed` to learn what was taken out ('<script>', 'onclick=',
    'href="javascript:"', '<!-- -->'). HTML nested deeper than MAX_DEPTH keeps only its
    text, and `removed` gets TOO_DEEP. Idempotent: cleaning cleaned HTML changes nothing.
    """
    if not html:
        return ""
    text = str(html)
    seen = set() if removed is None else removed
    if nesting_depth(text) > MAX_DEPTH:
        seen.add(TOO_DEEP)
        return re.sub(r"\s*\n\s*", "\n", bleach.clean(text, tags=set(), strip=True)).strip()
    cleaned = _cleaner.clean(text, seen)
    # The parser drops some tags before the filter sees them (<body>, <html>, a stray </p>'s
    # friends): name those too, so that the report misses nothing that was written.
    seen.update(
        f"<{name.lower()}>"
        for closing, name, _s in _TAG.findall(text)
        if not closing and name.lower() not in ALLOWED_TAGS
    )
    # A parser can read its own output differently from its input (mutation XSS works
    # that way): clean until nothing changes, so that cleaning twice never does more.
    for _ in range(3):
        again = _cleaner.clean(cleaned, set())
        if again == cleaned:
            return cleaned
        cleaned = again
    return bleach.clean(cleaned, tags=set(), strip=True)  # never settles: plain text only
