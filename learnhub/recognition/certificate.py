"""The printable certificate of a credential: an A4 PDF with the holder's name, the QR code and the address.

fpdf2 draws it with a CJK font from Debian's packages (fonts-wqy-microhei by default,
CERTIFICATE_FONT to choose another TrueType/OpenType file), embedded as a subset so that the
PDF shows the same on any printer or phone. The QR code and the address lead to the public
page, where anyone can check the credential is genuine and not revoked.
"""

import io
import os

import segno
from flask import current_app
from flask_babel import format_datetime
from fpdf import FPDF

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.templating import format_credits, format_hours

# A4 landscape, in millimetres; the name's band is where tests look for its glyphs.
WIDTH, HEIGHT = 297, 210
NAME_TOP, NAME_HEIGHT = 78, 16
FONT = "cjk"


def font_path():
    """The font the certificate is drawn in, or None when the machine has none."""
    path = current_app.config.get("CERTIFICATE_FONT")
    return path if path and os.path.isfile(path) else None


def _qr_png(url):
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=10, border=2)
    out.seek(0)
    return out


def _centred(pdf, text, size, top, height, colour=(30, 30, 30)):
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*colour)
    pdf.set_xy(20, top)
    pdf.cell(WIDTH - 40, height, text, align="C")


def certificate_pdf(credential, holder_name, url):
    """The certificate of `credential` for `holder_name`, pointing verifiers at `url`, as PDF bytes."""
    path = font_path()
    if path is None:
        raise DomainError(_("Certificates cannot be printed on this server yet: it has no Chinese font."))
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(credential.title)
    pdf.set_creator(credential.issuer_name)
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, fname=path)
    pdf.add_page()

    pdf.set_draw_color(164, 29, 36)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, WIDTH - 20, HEIGHT - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, WIDTH - 26, HEIGHT - 26)

    _centred(pdf, credential.issuer_name, 14, 22, 8, colour=(90, 90, 90))
    _centred(pdf, _("Certificate"), 34, 36, 16, colour=(164, 29, 36))
    _centred(pdf, _("This certifies that"), 14, 62, 8)
    _centred(pdf, holder_name, 30, NAME_TOP, NAME_HEIGHT)
    _centred(pdf, credential.title, 20, 100, 10)

    pdf.set_font(FONT, size=11)
    pdf.set_text_color(60, 60, 60)
    pdf.set_xy(40, 114)
    pdf.multi_cell(WIDTH - 80, 6, credential.criteria or credential.title, align="C")
    _centred(
        pdf,
        _(
            "%(credits)s credits · %(hours)s hours",
            credits=format_credits(credential.credits),
            hours=format_hours(credential.minutes),
        ),
        12,
        136,
        7,
    )

    pdf.set_font(FONT, size=10)
    pdf.set_text_color(60, 60, 60)
    pdf.set_xy(28, 158)
    pdf.cell(150, 6, _("Issued on %(date)s", date=format_datetime(credential.issued_at, "yyyy-MM-dd")))
    pdf.set_xy(28, 165)
    pdf.cell(150, 6, _("Certificate number: %(number)s", number=credential.uuid))
    pdf.set_xy(28, 172)
    pdf.cell(150, 6, _("Check it at the address below or by scanning the QR code:"))
    pdf.set_xy(28, 179)
    pdf.set_text_color(20, 60, 140)
    pdf.cell(180, 6, url, link=url)

    pdf.image(_qr_png(url), x=WIDTH - 68, y=HEIGHT - 78, w=44, h=44, link=url)
    return bytes(pdf.output())
