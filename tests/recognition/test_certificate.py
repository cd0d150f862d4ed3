"""The printable certificate: a PDF that opens with its Chinese text drawn, checked with Debian's poppler.

pdftoppm renders the first page to PNG; the band where the holder's name is drawn must hold
dark glyph pixels, and two names of as many characters must draw differently (a font without
the glyphs would draw nothing, or the same empty boxes for both). `make check` and `make test`
install poppler-utils and the font when missing (as root); without them the test is skipped
with the reason, except in CI, where it fails.
"""

import io
import os
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.recognition import certificate
from learnhub.recognition import credentials as creds
from learnhub.recognition.models import Credential

DPI = 72


@pytest.fixture
def poppler(app):
    missing = [tool for tool in ("pdftoppm", "pdffonts", "pdftotext") if shutil.which(tool) is None]
    if not os.path.isfile(app.config["CERTIFICATE_FONT"]):
        missing.append(app.config["CERTIFICATE_FONT"])
    if missing:
        reason = f"missing {', '.join(missing)} (as root: apt-get install poppler-utils fonts-wqy-microhei)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _holder_with_credential(make_user, finish, course, username, name):
    holder = make_user(username, name=name)
    finish(holder, course)
    db.session.commit()
    return db.session.scalar(select(Credential).where(Credential.user_id == holder.id))


def _pdf(client, auth, username, credential):
    auth.login(username)
    transcript = client.get("/recognition/transcript").get_data(as_text=True)
    address = f"/recognition/credentials/{credential.uuid}/certificate.pdf"
    assert address in transcript
    answer = client.get(address)
    auth.logout()
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "private, no-store"
    return answer.data


def _name_band(path, tmp_path):
    """The first page at 72 dpi, grey, cropped to the band the holder's name is drawn in."""
    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", path, prefix], check=True)
    page = Image.open(f"{prefix}.png").convert("L")
    assert page.size[0] == 842 and page.size[1] in (595, 596)  # A4 landscape at 72 dpi: it opened
    px = DPI / 25.4
    top, bottom = certificate.NAME_TOP * px, (certificate.NAME_TOP + certificate.NAME_HEIGHT) * px
    return page.crop((int(20 * px), int(top), int((certificate.WIDTH - 20) * px), int(bottom)))


def _dark_share(band):
    histogram = band.histogram()  # grey levels 0..255
    return sum(histogram[:128]) / sum(histogram)


def test_the_certificate_opens_with_its_chinese_text_drawn(
    client, auth, make_user, safety_course, finish, tmp_path, poppler
):
    first = _holder_with_credential(make_user, finish, safety_course, "cert1", "李明辉")
    second = _holder_with_credential(make_user, finish, safety_course, "cert2", "张建国")
    paths = []
    for username, credential in (("cert1", first), ("cert2", second)):
        path = tmp_path / f"{username}.pdf"
        path.write_bytes(_pdf(client, auth, username, credential))
        paths.append(path)

    fonts = subprocess.run(["pdffonts", paths[0]], capture_output=True, text=True, check=True).stdout
    [font] = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert " yes " in font  # embedded: it shows the same on a phone without the font

    text = subprocess.run(["pdftotext", "-layout", paths[0], "-"], capture_output=True, text=True, check=True).stdout
    assert "李明辉" in text and "兹证明" in text and "证书编号" in text
    assert first.title in text and first.uuid in text and f"/credentials/{first.uuid}" in text

    bands = [_name_band(path, tmp_path) for path in paths]
    assert all(0.02 < _dark_share(band) < 0.5 for band in bands), [_dark_share(b) for b in bands]
    assert bands[0].tobytes() != bands[1].tobytes()  # each name drawn by its own glyphs


def test_only_the_holder_prints_it_and_not_once_revoked(client, auth, make_user, tree, safety_course, finish, poppler):
    credential = _holder_with_credential(make_user, finish, safety_course, "cert3", "王丽")
    address = f"/recognition/credentials/{credential.uuid}/certificate.pdf"
    make_user("cert.peer", org=tree.ent_a1)
    auth.login("cert.peer")
    assert client.get(address).status_code == 404
    auth.logout()
    admin = make_user("cert.admin", role="admin", org=tree.city_a)
    creds.revoke(admin, credential, "发错了")
    db.session.commit()
    auth.login("cert3")
    assert client.get(address).status_code == 404
    assert client.get("/recognition/credentials/not-a-uuid/certificate.pdf").status_code == 404


def test_without_a_font_no_certificate_is_offered(app, client, auth, make_user, safety_course, finish, monkeypatch):
    credential = _holder_with_credential(make_user, finish, safety_course, "cert4", "赵强")
    monkeypatch.setitem(app.config, "CERTIFICATE_FONT", "/nonexistent/font.ttc")
    auth.login("cert4")
    assert "certificate.pdf" not in client.get("/recognition/transcript").get_data(as_text=True)
    answer = client.get(f"/recognition/credentials/{credential.uuid}/certificate.pdf")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/recognition/transcript")


def test_the_holders_credential_page_offers_the_certificate_first(client, auth, make_user, safety_course, finish):
    credential = _holder_with_credential(make_user, finish, safety_course, "cert5", "孙丽")
    address = f"/recognition/credentials/{credential.uuid}/certificate.pdf"
    stranger = client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
    assert address not in stranger
    auth.login("cert5")
    page = client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
    # The certificate before the facts; the machine-readable links folded away for verifiers.
    assert page.index(address) < page.index("<h1>") < page.index("<details")
    assert page.index("<details") < page.index(f"/credentials/{credential.uuid}.json")
    assert "/credentials/status/1" in page and "/.well-known/did.json" in page


def test_the_share_picture_draws_the_name_and_the_qr_code(client, auth, make_user, safety_course, finish):
    pictures = []
    for username, name in (("pic1", "李明辉"), ("pic2", "张建国")):
        credential = _holder_with_credential(make_user, finish, safety_course, username, name)
        auth.login(username)
        page = client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
        address = f"/recognition/credentials/{credential.uuid}/share.png"
        assert address in page
        answer = client.get(address)
        auth.logout()
        assert answer.status_code == 200 and answer.mimetype == "image/png"
        assert len(answer.data) < 150_000  # light enough to send over a weak network
        pictures.append(Image.open(io.BytesIO(answer.data)).convert("L"))
    assert pictures[0].size == (certificate.PICTURE_WIDTH, certificate.PICTURE_HEIGHT)
    top, height = certificate.PICTURE_NAME_TOP, certificate.PICTURE_NAME_HEIGHT
    bands = [p.crop((40, top, certificate.PICTURE_WIDTH - 40, top + height)) for p in pictures]
    assert all(0.02 < _dark_share(band) < 0.5 for band in bands), [_dark_share(b) for b in bands]
    assert bands[0].tobytes() != bands[1].tobytes()
    middle, bottom = certificate.PICTURE_WIDTH // 2, certificate.PICTURE_HEIGHT
    qr = pictures[0].crop((middle - 130, bottom - 360, middle + 130, bottom - 100))
    assert 0.3 < _dark_share(qr) < 0.7  # a QR code: about as much dark as light
