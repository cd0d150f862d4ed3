"""Uploaded media: checked by content, size-limited, stored under generated names.

Pictures are decoded and encoded again with Pillow: scaled down to a width a phone needs,
turned upright, and stripped of their metadata (a photo's EXIF can carry where it was taken).
"""

import hashlib
import secrets
import unicodedata
import warnings
from io import BytesIO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.studio.models import Upload

MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond that a picture is a decompression bomb
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"dash",
    b"MSNV",
    b"3gp4",
    b"3gp5",
    b"mmp4",
}
# (kind, mime, extension, Pillow format)
TYPES = {
    "png": ("image", "image/png", "png", "PNG"),
    "jpeg": ("image", "image/jpeg", "jpg", "JPEG"),
    "webp": ("image", "image/webp", "webp", "WEBP"),
    "pdf": ("pdf", "application/pdf", "pdf", None),
    "mp4": ("video", "video/mp4", "mp4", None),
    "webm": ("video", "video/webm", "webm", None),
}


def sniff(head):
    """The type of a file from its first bytes ('png', 'pdf', 'mp4'...), 'svg', or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "webm"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text) or b"<svg" in text[:512]:
        return "svg"
    return None


def display_name(filename):
    """The uploaded file's own name, for display only: no folders, no control characters."""
    name = unicodedata.normalize("NFC", str(filename or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    name = " ".join(name.split()).lstrip(".")
    return name[-120:] or _("file")


def upload_key(upload):
    """The storage key of an upload's file (core.storage): uploads/<generated name>."""
    return f"uploads/{upload.name}"


def size_limits():
    """{kind: bytes} from the configuration."""
    config = current_app.config
    return {
        "image": config["STUDIO_MAX_IMAGE_BYTES"],
        "pdf": config["STUDIO_MAX_PDF_BYTES"],
        "video": config["STUDIO_MAX_VIDEO_BYTES"],
    }


def megabytes(size):
    """Bytes as megabytes for people: 12.5."""
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _scaled(data, pillow_format):
    """The picture decoded, upright, no wider than the configured width, encoded again."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format != pillow_format:
                raise UnidentifiedImageError
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(
            _(
                "The picture has too many pixels. Make it smaller (at most %(mp)d megapixels).",
                mp=MAX_PIXELS // 1_000_000,
            ),
            "file",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise DomainError(
            _("The picture is damaged or not what its name says. Save it again and upload that."), "file"
        ) from None
    image = ImageOps.exif_transpose(image)
    width = current_app.config["STUDIO_IMAGE_MAX_WIDTH"]
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
    out = BytesIO()
    if pillow_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True, progressive=True)
    elif pillow_format == "WEBP":
        image.save(out, "WEBP", quality=80)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue(), image.width, image.height


def store_upload(user, course, file):
    """Check an uploaded file (a werkzeug FileStorage) by its content and keep it for the course."""
    if file is None or not file.filename:
        raise DomainError(_("Choose a file to upload."), "file")
    stream = file.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise DomainError(_("The file is empty."), "file")
    found = sniff(stream.read(64))
    stream.seek(0)
    if found == "svg":
        raise DomainError(
            _(
                "SVG pictures are not accepted, because they can carry scripts. Save the "
                "picture as PNG and upload that."
            ),
            "file",
        )
    if found is None:
        raise DomainError(
            _(
                "This is not a PNG, JPEG or WebP picture, a PDF, or an MP4 or WebM video. "
                "Files are checked by their content, not by their name."
            ),
            "file",
        )
    kind, mime, extension, pillow_format = TYPES[found]
    limit = size_limits()[kind]
    if size > limit:
        raise DomainError(
            _(
                "The file has %(size)s MB; at most %(max)s MB are allowed for this kind of file.",
                size=megabytes(size),
                max=megabytes(limit),
            ),
            "file",
        )
    name = f"{secrets.token_hex(8)}.{extension}"
    width = height = None
    if pillow_format:
        data, width, height = _scaled(stream.read(), pillow_format)
        digest = hashlib.sha256(data).hexdigest()
        storage().put(f"uploads/{name}", data, mime=mime)
        size = len(data)
    else:
        hasher = hashlib.sha256()
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            hasher.update(chunk)
        digest = hasher.hexdigest()
        stream.seek(0)
        storage().put(f"uploads/{name}", stream, mime=mime, sha256=digest)
    upload = Upload(
        course_id=course.id,
        name=name,
        kind=kind,
        mime=mime,
        size=size,
        sha256=digest,
        original_name=display_name(file.filename),
        width=width,
        height=height,
        owner_id=user.id,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def course_uploads(course):
    """The course's uploads, newest first."""
    return db.session.scalars(
        select(Upload).where(Upload.course_id == course.id).order_by(Upload.created_at.desc(), Upload.id.desc())
    ).all()


def get_upload(course, name):
    """The course's upload with this generated name; otherwise NotFound."""
    upload = db.session.scalar(select(Upload).where(Upload.course_id == course.id, Upload.name == str(name)[:40]))
    if upload is None or not storage().exists(upload_key(upload)):
        raise NotFound(_("File not found."))
    return upload
