"""Real tiny videos for the tests of video for phones, made with ffmpeg (core/video.py).

`make_video(path)` writes a few seconds of ffmpeg's test picture with a tone, as a camera's
MP4 would hold them (H.264 High 4:4:4 here, so the rendition is visibly re-encoded);
`require_ffmpeg()` skips a test where ffmpeg is missing, and fails it in CI (`make test`
installs it).
"""

import os
import subprocess

import pytest

from learnhub.core import video


def require_ffmpeg():
    if not video.available():
        if os.environ.get("CI"):
            pytest.fail("no ffmpeg: `make test` installs it (apt-get, as root)")
        pytest.skip("no ffmpeg: run `make ffmpeg` as root")


def make_video(path, size="1280x720", seconds=3, audio=True, kbps=150):
    """Write an MP4 of `seconds` of test picture (and a 440 Hz tone) at `size` to `path`; return its bytes.

    At `kbps` a 20-second clip stays under 500 KB, which the test client sends without a temporary file.
    """
    arguments = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    arguments += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]
    if audio:
        arguments += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        arguments += ["-c:a", "aac", "-b:a", "24k"]
    arguments += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", "-b:v", f"{kbps}k"]
    arguments += ["-shortest", str(path)]
    subprocess.run(arguments, check=True, timeout=120)
    return path.read_bytes()


# An MP4 by its first bytes (it passes the upload's check) that no decoder can read.
CORRUPT_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 64
