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


# A task worker that transcodes, in a process of its own (it needs only the transcoding settings).
_WORKER = """
import sys
from flask import Flask
from learnhub.core import video
app = Flask("worker")
app.config.update({k: int(v) if v.isdigit() else v for k, v in (a.split("=", 1) for a in sys.argv[3:])})
with app.app_context():
    video.transcode(sys.argv[1], sys.argv[2])
"""


def _running(pid):
    """Whether process `pid` is alive (an ended one not yet reaped counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not video.binary("setpriv"), reason="needs Linux's setpriv (util-linux)")
def test_ffmpeg_ends_with_a_task_worker_killed_outright(app, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "upload.ts"
    os.mkfifo(source)  # a source that never ends: ffmpeg waits on it until someone stops it
    keep_open = os.open(source, os.O_RDWR)
    settings = [f"{k}={v}" for k, v in app.config.items() if k.startswith("TRANSCODE_")]
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, str(source), str(tmp_path / "phone.mp4"), *settings])
    ffmpeg = None
    try:
        for _ in range(200):
            found = subprocess.run(["pgrep", "-P", str(worker.pid), "-x", "ffmpeg"], capture_output=True, text=True)
            if found.stdout.strip():
                ffmpeg = int(found.stdout.split()[0])
                break
            time.sleep(0.05)
        assert ffmpeg is not None, "the worker started no ffmpeg"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        deadline = time.monotonic() + 10
        while _running(ffmpeg) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(ffmpeg), "ffmpeg transcodes on for a worker that is gone"
    finally:
        os.close(keep_open)
        if worker.poll() is None:
            worker.kill()
        if ffmpeg is not None and _running(ffmpeg):
            os.kill(ffmpeg, signal.SIGKILL)
