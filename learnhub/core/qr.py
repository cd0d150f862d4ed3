"""QR codes drawn on the server as inline SVG: no script, no image request, no third-party host.

A credential's address (recognition) and an authenticator app's set-up link (two-step sign-in).
"""

import segno
from markupsafe import Markup


def qr_svg(url, label=""):
    """An <svg> of a QR code for `url`, sized by CSS (class "qr"), with `label` as its title."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None, light="#fff", title=label or None
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
