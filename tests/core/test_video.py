"""ffmpeg as the rendition for phones uses it: at most 480p, H.264/AAC, index in front, a poster."""

import pytest
from PIL import Image

from learnhub.core import video
from tests.videos import CORRUPT_MP4, make_video, require_ffmpeg


@pytest.fixture(autouse=True)
def _ffmpeg(app):
    require_ffmpeg()
    with app.app_context():
        yield


@pytest.mark.parametrize(
    ("size", "expected"),
    [("1280x720", (852, 480)), ("720x1280", (480, 852)), ("320x240", (320, 240))],
    ids=["landscape", "portrait", "small-stays-small"],
)
def test_a_video_becomes_at_most_480p_h264_and_aac_with_its_index_in_front(tmp_path, size, expected):
    source, target, picture = tmp_path / "camera.mp4", tmp_path / "phone.mp4", tmp_path / "poster.jpg"
    make_video(source, size=size, seconds=2)
    found = video.probe(source)
    seen = []
    video.transcode(source, target, duration=found.duration, progress=lambda done, total: seen.append((done, total)))
    video.poster(source, picture, duration=found.duration)

    made = video.probe(target)
    assert (made.width, made.height) == expected
    assert (made.video_codec, made.profile, made.audio_codec) == ("h264", "Main", "aac")
    assert abs(made.duration - found.duration) < 0.1  # played ranges mean the same seconds in both
    data = target.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: a phone plays before it has it all
    assert seen and seen[-1][1] == found.duration
    with Image.open(picture) as poster:
        assert poster.format == "JPEG" and poster.size == expected


def test_a_video_without_sound_gets_a_rendition_without_sound(tmp_path):
    source, target = tmp_path / "silent.mp4", tmp_path / "phone.mp4"
    make_video(source, size="640x360", seconds=1, audio=False)
    video.transcode(source, target)
    made = video.probe(target)
    assert (made.width, made.height, made.audio_codec) == (640, 360, None)


def test_a_file_that_is_no_video_is_unreadable(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(CORRUPT_MP4)
    with pytest.raises(video.Unreadable):
        video.probe(bad)
    with pytest.raises(video.Unreadable):
        video.transcode(bad, tmp_path / "out.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("就是一段文字")
    with pytest.raises(video.Unreadable):
        video.probe(text)
