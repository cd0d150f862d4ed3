"""The printable certificate of a credential (an A4 PDF) and its share picture (a PNG for a chat).

Both carry the holder's name, what was achieved, the QR code and the address. fpdf2 draws the PDF with a CJK font from Debian's packages (fonts-wqy-microhei by default,
CERTIFICATE_FONT to choose another TrueType/OpenType file), embedded as a subset so that the
PDF shows the same on any printer or phone; Pillow draws the picture in the same font. The QR
code and the address lead to the public page, where anyone can check the credential is genuine
and not revoked.
"""

import io
import os

import segno
from flask import current_app
from flask_babel import format_datetime
from PIL import Image, ImageDraw, ImageFont

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.templating import format_credits, format_hours

# A4 landscape, in millimetres; the name's band is where tests look for its glyphs.
WIDTH, HEIGHT = 297, 210
NAME_TOP, NAME_HEIGHT = 78, 16
FONT = "cjk"
# The share picture, in pixels: a portrait card that a chat shows whole on a phone.
PICTURE_WIDTH, PICTURE_HEIGHT = 720, 960
PICTURE_NAME_TOP, PICTURE_NAME_HEIGHT = 250, 70
RED = (164, 29, 36)


def font_path():
    """The font the certificate is drawn in, or None when the machine has none."""
    path = current_app.config.get("CERTIFICATE_FONT")
    return path if path and os.path.isfile(path) else None


def _qr_png(url, scale=10):
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    out.seek(0)
    return out


def _no_font():
    return DomainError(_("Certificates cannot be printed on this server yet: it has no Chinese font."))


def _centred(pdf, text, size, top, height, colour=(30, 30, 30)):
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*colour)
    pdf.set_xy(20, top)
    pdf.cell(WIDTH - 40, height, text, align="C")


def certificate_pdf(credential, holder_name, url):
    """The certificate of `credential` for `holder_name`, pointing verifiers at `url`, as PDF bytes."""
    path = font_path()
    if path is None:
        raise _no_font()
    # Imported here: fpdf2 and fontTools weigh 20 MB in every worker that never draws a certificate.
    from fpdf import FPDF

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


def _wrapped(draw, text, font, width):
    """`text` broken into lines no wider than `width` pixels (character by character, as Chinese wraps)."""
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > width and line:
            lines.append(line)
            line = ""
        line += char
    return lines + [line] if line else lines


def share_picture(credential, holder_name, url):
    """The credential as a PNG picture a worker can send in a chat: who, what, the QR code and the address."""
    path = font_path()
    if path is None:
        raise _no_font()

    def font(size):
        return ImageFont.truetype(path, size, index=0)

    image = Image.new("RGB", (PICTURE_WIDTH, PICTURE_HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    middle = PICTURE_WIDTH // 2
    draw.rectangle((0, 0, PICTURE_WIDTH, 150), fill=RED)
    draw.text((middle, 52), credential.issuer_name[:30], font=font(28), fill="white", anchor="mm")
    draw.text((middle, 108), _("Certificate"), font=font(44), fill="white", anchor="mm")
    draw.text((middle, 215), _("This certifies that"), font=font(26), fill=(60, 60, 60), anchor="mm")
    name_middle = PICTURE_NAME_TOP + PICTURE_NAME_HEIGHT // 2
    draw.text((middle, name_middle), holder_name, font=font(56), fill=(20, 20, 20), anchor="mm")
    top = 350
    for line in _wrapped(draw, credential.title, font(34), PICTURE_WIDTH - 80)[:3]:
        draw.text((middle, top), line, font=font(34), fill=(20, 20, 20), anchor="mm")
        top += 46
    figures = _(
        "%(credits)s credits · %(hours)s hours",
        credits=format_credits(credential.credits),
        hours=format_hours(credential.minutes),
    )
    draw.text((middle, top + 20), figures, font=font(26), fill=(60, 60, 60), anchor="mm")
    draw.text(
        (middle, top + 62),
        _("Issued on %(date)s", date=format_datetime(credential.issued_at, "yyyy-MM-dd")),
        font=font(24),
        fill=(60, 60, 60),
        anchor="mm",
    )
    qr = Image.open(_qr_png(url, scale=6)).convert("RGB")
    qr = qr.resize((260, 260), Image.Resampling.NEAREST)
    image.paste(qr, (middle - 130, PICTURE_HEIGHT - 360))
    draw.text((middle, PICTURE_HEIGHT - 80), _("Scan to check this credential"), font=font(24), fill=RED, anchor="mm")
    for n, line in enumerate(_wrapped(draw, url, font(18), PICTURE_WIDTH - 60)[:2]):
        draw.text((middle, PICTURE_HEIGHT - 46 + n * 22), line, font=font(18), fill=(20, 60, 140), anchor="mm")
    out = io.BytesIO()
    image.quantize(colors=64).save(out, "PNG", optimize=True)
    return out.getvalue()
