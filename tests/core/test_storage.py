"""Storage: the same behaviour from the local folder and from a real S3-compatible server."""

import hashlib

import pytest

from learnhub.core.storage import LocalStorage, check_key


@pytest.fixture(params=["local", "s3"])
def files(request, tmp_path):
    """Each backend in turn: a local folder, then a bucket of the test session's object store."""
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    return request.getfixturevalue("s3_storage")


def test_what_is_put_comes_back_whole_and_replaces_what_was_there(files, tmp_path):
    files.put("uploads/a.bin", b"first")
    files.put("uploads/a.bin", b"second version")
    assert files.get("uploads/a.bin") == b"second version"
    assert files.stat("uploads/a.bin").size == len(b"second version")
    with files.open("uploads/a.bin") as f:
        assert f.read() == b"second version"
    source = tmp_path / "big.bin"
    source.write_bytes(bytes(range(256)) * 40_000)  # 10 MB: an object store takes it in parts
    files.put_file("media/course/clip.mp4", source, mime="video/mp4")
    assert files.matches("media/course/clip.mp4", source)
    assert hashlib.sha256(files.get("media/course/clip.mp4")).digest() == hashlib.sha256(source.read_bytes()).digest()


def test_keys_copies_downloads_and_deletes(files, tmp_path):
    files.put("media/one/a.png", b"a")
    files.put("media/one/sub/b.png", b"b")
    files.put("media/two/c.png", b"c")
    assert files.keys("media/one/") == ["media/one/a.png", "media/one/sub/b.png"]
    files.copy("media/one/a.png", "media/two/a.png")
    assert files.get("media/two/a.png") == b"a"
    files.download("media/one/sub/b.png", tmp_path / "out" / "b.png")
    assert (tmp_path / "out" / "b.png").read_bytes() == b"b"
    files.delete("media/one/a.png")
    files.delete("media/one/a.png")  # deleting what is gone is no error
    assert not files.exists("media/one/a.png") and files.stat("media/one/a.png") is None
    with pytest.raises(FileNotFoundError):
        files.get("media/one/a.png")


def test_a_changed_file_no_longer_matches(files, tmp_path):
    source = tmp_path / "x.txt"
    source.write_bytes(b"12345")
    assert not files.matches("media/c/x.txt", source)
    files.put_file("media/c/x.txt", source)
    source.write_bytes(b"12346")  # same size, other content
    assert not files.matches("media/c/x.txt", source)


@pytest.mark.parametrize("key", ["", "/etc/passwd", "media/../secret", "media//a", "a\\b", "media/./a", "a\x00b"])
def test_a_key_that_could_leave_the_folder_is_refused(key):
    with pytest.raises(ValueError):
        check_key(key)


def test_a_put_that_fails_half_way_leaves_nothing(tmp_path):
    files = LocalStorage(tmp_path)

    def broken():
        yield b"half"
        raise OSError("disk full")

    class Stream:
        chunks = broken()

        def read(self, size):
            return next(self.chunks)

    with pytest.raises(OSError):
        files.put("uploads/x.bin", Stream())
    assert not files.exists("uploads/x.bin") and files.keys() == []


def test_media_migrate_copies_the_local_files_into_the_bucket_once(app, s3_storage, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setattr(app, "instance_path", str(instance))
    for name, data in {
        "uploads/a.png": b"picture",
        "media/safety/clip.mp4": b"video" * 1000,
        "learnhub.sqlite3": b"the database is not media",
        "credential-signing-key.pem": b"nor is the key",
    }.items():
        (instance / name).parent.mkdir(parents=True, exist_ok=True)
        (instance / name).write_bytes(data)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["media", "migrate"])
    assert first.exit_code == 0, first.output
    assert "2 copied, 0 already in the bucket" in first.output
    assert s3_storage.keys() == ["media/safety/clip.mp4", "uploads/a.png"]
    assert s3_storage.get("media/safety/clip.mp4") == b"video" * 1000
    again = runner.invoke(args=["media", "migrate"])
    assert "0 copied, 2 already in the bucket" in again.output
    (instance / "uploads/a.png").write_bytes(b"picture, edited")
    changed = runner.invoke(args=["media", "migrate"])
    assert "1 copied, 1 already in the bucket" in changed.output
    assert s3_storage.get("uploads/a.png") == b"picture, edited"


def test_media_migrate_without_a_bucket_says_so(app):
    result = app.test_cli_runner().invoke(args=["media", "migrate"])
    assert result.exit_code == 2 and "S3_BUCKET is not set" in result.output


def test_presigned_media_are_allowed_by_the_content_security_policy():
    from learnhub.core.security import _policy

    config = {"S3_BUCKET": "media", "S3_ENDPOINT_URL": "https://oss.example.cn", "MEDIA_DELIVERY": "redirect"}
    assert _policy(config)["media-src"] == "'self' https://oss.example.cn"
    assert _policy({**config, "S3_ADDRESSING_STYLE": "virtual"})["img-src"] == "'self' https://media.oss.example.cn"
    assert _policy({**config, "MEDIA_DELIVERY": "stream"})["media-src"] == "'self'"
