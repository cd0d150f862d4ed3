"""The phone renditions of a course's videos, as the player and the catalogue's media use them.

The studio makes them (studio/transcode.py); here they are only looked up. A ready rendition
is served beside its published original, at media/<slug>/<stem>.480p.mp4 and
media/<slug>/<stem>.poster.jpg: copied there from where the job stored it on the first request
after both the original is published and the rendition is ready, whichever came last.
"""

from sqlalchemy import select

from learnhub.catalog.importing import media_key
from learnhub.catalog.models import VideoRendition
from learnhub.core.storage import storage
from learnhub.extensions import db


def _name(path):
    """The file name of a lesson's media/<name>, or None for an outside address."""
    if not path or not path.startswith("media/"):
        return None
    return path.removeprefix("media/")


def ready_rendition(course, path):
    """The ready rendition of the course's video at `path` (media/<name>), or None."""
    name = _name(path)
    if name is None:
        return None
    return db.session.scalar(
        select(VideoRendition).where(
            VideoRendition.course_id == course.id, VideoRendition.name == name, VideoRendition.status == "ready"
        )
    )


def published_file(course, filename):
    """(storage key, mime type) of the media/<slug>/`filename` a ready rendition provides, having
    copied it there from the rendition's own key; None when no published video has it."""
    if filename.endswith(".480p.mp4"):
        stem, mime = filename.removesuffix(".480p.mp4"), "video/mp4"
    elif filename.endswith(".poster.jpg"):
        stem, mime = filename.removesuffix(".poster.jpg"), "image/jpeg"
    else:
        return None
    if not stem or "/" in stem:
        return None
    found = db.session.scalars(
        select(VideoRendition).where(
            VideoRendition.course_id == course.id,
            VideoRendition.status == "ready",
            VideoRendition.name.startswith(stem + ".", autoescape=True),
        )
    ).all()
    files = storage()
    for rendition in found:
        if rendition.stem != stem or not files.exists(media_key(course.slug, rendition.name)):
            continue  # another video's, or the original is not published (a draft's)
        target = media_key(course.slug, filename)
        files.copy(rendition.video_key if mime == "video/mp4" else rendition.poster_key, target)
        return target, mime
    return None


def ready_by_name(course):
    """{video file name: its ready rendition} of the course, in one query."""
    found = db.session.scalars(
        select(VideoRendition).where(VideoRendition.course_id == course.id, VideoRendition.status == "ready")
    )
    return {rendition.name: rendition for rendition in found}
