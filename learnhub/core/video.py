"""Video for phones: Debian's ffmpeg and ffprobe, run as subprocesses with explicit arguments.

`probe(path)` reads what a file holds (or raises Unreadable); `transcode(source, target)` writes
an H.264/AAC MP4 of at most 480 lines (854×480 landscape, 480×854 portrait; never scaled up)
at a bitrate a 3G/4G connection carries (quality-led, capped at TRANSCODE_VIDEO_KBPS), with its index at the front (+faststart) so a phone
starts playing and seeks before it has the whole file; `poster(source, target)` a JPEG of an
early frame. No shell is involved: arguments are a list, the file names are ours.

`make run` and `make test` install ffmpeg (apt-get, as root) when it is missing.
"""

import json
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass

from flask import current_app

MAX_WIDTH, MAX_HEIGHT = 854, 480  # 480p, landscape; a portrait video gets 480×854
# The box a video is fitted into, keeping its aspect ratio and never growing: the long side at
# most 854, the short side at most 480, both even (as H.264 in 4:2:0 wants).
SCALE = (
    f"scale=w='if(gte(iw,ih),min({MAX_WIDTH},iw),min({MAX_HEIGHT},iw))'"
    f":h='if(gte(iw,ih),min({MAX_HEIGHT},ih),min({MAX_WIDTH},ih))'"
    ":force_original_aspect_ratio=decrease:force_divisible_by=2"
)


class Unreadable(Exception):
    """The file is not a video ffmpeg can read (damaged, or not a video at all)."""


@dataclass(frozen=True)
class Probe:
    """What a video file holds."""

    width: int
    height: int
    duration: float  # seconds
    video_codec: str
    audio_codec: str | None  # None: no sound track
    profile: str | None = None


def binary(name):
    """The path of `ffmpeg` or `ffprobe`, or None when it is not installed."""
    return shutil.which(name)


def available():
    """Whether both ffmpeg and ffprobe are installed."""
    return binary("ffmpeg") is not None and binary("ffprobe") is not None


def _timeout():
    return current_app.config["TRANSCODE_TIMEOUT_SECONDS"]


def _command(name, *arguments):
    """The command line that runs `name` with `arguments`, and ends with the process that started it.

    A task worker killed outright (SIGKILL, the kernel out of memory) cannot stop its ffmpeg,
    which would transcode on for nobody. On Linux, util-linux's setpriv starts it with a parent
    death signal: the kernel kills it when its parent goes. (Python's preexec_fn could set the
    same, but is unsafe in the task worker's threads.)
    """
    program = [binary(name) or name, *arguments]
    setpriv = binary("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *program] if setpriv else program


def probe(path):
    """The Probe of the video at `path`; Unreadable when it has no picture ffmpeg can decode."""
    try:
        done = subprocess.run(
            _command(
                "ffprobe",
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                "--",
                str(path),
            ),
            capture_output=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Unreadable("ffprobe took too long") from None
    if done.returncode != 0:
        raise Unreadable(done.stderr.decode(errors="replace")[-300:].strip())
    try:
        found = json.loads(done.stdout)
    except ValueError:
        raise Unreadable("ffprobe gave no answer") from None
    streams = found.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video" and s.get("width")), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None:
        raise Unreadable("no picture")
    try:
        duration = float(found.get("format", {}).get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    return Probe(
        width=int(video["width"]),
        height=int(video["height"]),
        duration=duration,
        video_codec=video.get("codec_name") or "",
        audio_codec=audio.get("codec_name") if audio else None,
        profile=video.get("profile"),
    )


def transcode(source, target, *, duration=0.0, progress=None):
    """Write the phone rendition of `source` to `target` (an .mp4 path).

    `progress(seconds_done, seconds_total)` is called as ffmpeg goes. Raises Unreadable when
    ffmpeg cannot decode the file, subprocess.TimeoutExpired after TRANSCODE_TIMEOUT_SECONDS.
    """
    config = current_app.config
    video_kbps, audio_kbps = config["TRANSCODE_VIDEO_KBPS"], config["TRANSCODE_AUDIO_KBPS"]
    arguments = _command(
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",  # the first sound track, if there is one
        "-vf",
        SCALE,
        "-c:v",
        "libx264",
        "-profile:v",
        "main",
        "-level",
        "3.1",
        "-pix_fmt",
        "yuv420p",
        "-preset",
        config["TRANSCODE_PRESET"],
        # Quality-led (a lecture's slides need far less) and never above TRANSCODE_VIDEO_KBPS.
        "-crf",
        "26",
        "-maxrate",
        f"{video_kbps}k",
        "-bufsize",
        f"{video_kbps * 2}k",
        "-c:a",
        "aac",
        "-b:a",
        f"{audio_kbps}k",
        "-ac",
        "2",
        "-ar",
        "44100",
        "-movflags",
        "+faststart",
        "-map_metadata",
        "-1",  # no camera, place or software tags in what workers download
        "-threads",
        str(config["TRANSCODE_THREADS"]),
        "-progress",
        "pipe:1",
        "-nostats",
        "-f",
        "mp4",
        str(target),
    )
    # ffmpeg's complaints go to a file: a damaged video can fill a pipe nobody reads yet.
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=errors) as process:
            timer = threading.Timer(_timeout(), process.kill)  # a video that never ends
            timer.start()
            try:
                for line in process.stdout:  # key=value lines; out_time_us is how far it got
                    key, _sep, value = line.decode(errors="replace").strip().partition("=")
                    if progress and key == "out_time_us" and value.isdigit():
                        progress(int(value) / 1_000_000, duration)
                process.wait()
            except BaseException:
                process.kill()
                raise
            finally:
                timer.cancel()
        errors.seek(0)
        said = errors.read()[-2000:].decode(errors="replace").strip()
    if process.returncode != 0:
        raise Unreadable(said[-300:] or f"ffmpeg ended with {process.returncode}")


def poster(source, target, *, duration=0.0):
    """Write a JPEG of an early frame of `source` (a second in, or the first frame of a short
    clip) to `target`, the size of the rendition."""
    at = 1.0 if duration >= 2 else 0.0
    done = subprocess.run(
        _command(
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at:.2f}",
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-vf",
            SCALE,
            "-q:v",
            "5",
            "-map_metadata",
            "-1",
            "-f",
            "image2",
            str(target),
        ),
        capture_output=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise Unreadable(done.stderr.decode(errors="replace")[-300:].strip())
