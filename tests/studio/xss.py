"""XSS payloads and a check that HTML holds nothing a browser would run."""

import re
from html.parser import HTMLParser

PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1);</script>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=x oNeRrOr=alert(1)//>",
    "<p onmouseover='alert(1)'>hover</p>",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "<video src=x onerror=alert(1)></video>",
    "<details open ontoggle=alert(1)>x</details>",
    "<body onload=alert(1)>",
    # javascript:, data:, vbscript: URLs, with entity, case and whitespace tricks
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='jav&#x0A;ascript:alert(1)'>x</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)'>x</a>",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<a href='javascript&colon;alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "<img src='data:image/svg+xml,<svg onload=alert(1)>'>",
    "<video poster='javascript:alert(1)'></video>",
    "[x](javascript:alert(1)) ![y](JAVASCRIPT:alert(2)) [z](vbscript:alert(3))",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<math><maction actiontype='statusline' xlink:href='javascript:alert(1)'>x</maction></math>",
    # mutation XSS with math, noscript and comments
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math><mi><table><mi><style><!--</style><img src=x onerror=alert(1)>--></style></mi></table></mi></math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)>-->",
    '<form><math><mtext></form><form><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    "<style><style/><img src=x onerror=alert(1)>",
    # style overlays
    "<p style='position:fixed;top:0;left:0;width:100%;height:100%;background:red'>pay here</p>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<link rel=stylesheet href=//evil.example/x.css>",
    # DOM clobbering and other dangerous elements
    "<img name=getElementById id=csrf_token src=x>",
    "<form id=test><input name=action></form>",
    "<a id=defaultView name=defaultView>x</a>",
    "<iframe src='https://evil.example'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='javascript:alert(1)'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<base href='javascript:alert(1)//'>",
    "<template><img src=x onerror=alert(1)></template>",
    "<code class='flash error'>fake alert</code>",
]

_BANNED_TAGS = {
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "meta",
    "base",
    "link",
    "template",
    "noscript",
    "textarea",
    "frame",
    "frameset",
    "applet",
}
_URL_ATTRS = {"href", "src", "poster", "cite", "action", "formaction", "background", "xlink:href", "data"}
_SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|[^:]*$)", re.I)


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in _BANNED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in {"style", "id", "name", "srcdoc"}:
                self.problems.append(f"{tag} {name}=")
            if name == "class" and not value.startswith("language-"):
                self.problems.append(f"{tag} class={value}")
            if name in _URL_ATTRS:
                # As a browser reads it: entities decoded, tabs, newlines and spaces dropped.
                plain = re.sub(r"[\x00-\x20\x7f]+", "", value)
                if not _SAFE_URL.match(plain):
                    self.problems.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append("<!-- -->")


def executable_parts(html):
    """What in `html` a browser could run or be fooled by; empty when the HTML is inert."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems
