"""Where user files live: one interface, a local folder or an S3-compatible bucket.

Every feature that keeps a file (studio uploads, course media, certificates sent as
evidence, finished exports) names it by a key such as ``uploads/3f2a….png`` and goes
through `storage()`:

    storage().put("uploads/x.png", data, mime="image/png")
    storage().send("uploads/x.png", mimetype="image/png")   # after the caller's permission check

The backend comes from config. Unset, `LocalStorage` keeps the files under STORAGE_FOLDER
(default: the instance folder, so keys map to today's ``instance/uploads``, ``instance/media``).
With S3_BUCKET set, `S3Storage` keeps them in that bucket (AWS, Alibaba OSS, Tencent COS,
MinIO, SeaweedFS...), so that every app server sees every file. Media are then either
streamed by the app with byte ranges (MEDIA_DELIVERY=stream, the default) or handed out as
a presigned URL valid for MEDIA_URL_SECONDS (MEDIA_DELIVERY=redirect).

A put is all or nothing: the local backend writes a temporary file and renames it, an
object store only shows an object once its upload completed.
"""

import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Response, current_app, redirect, request, send_file
from flask.cli import AppGroup
from werkzeug.http import quote_header_value

_KEY = "learnhub_storage"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Stat:
    """What a backend knows of a stored file without reading it."""

    size: int
    sha256: str | None = None  # recorded at put time where the backend keeps metadata


def check_key(key):
    """`key` if it is a plain relative path ('media/slug/a.png'); ValueError otherwise."""
    key = str(key)
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or "\x00" in key or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _chunks(data):
    """Yield the bytes of `data` (bytes, or a binary file object) in chunks."""
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    yield from iter(lambda: data.read(CHUNK), b"")


def file_sha256(path):
    """The SHA-256 of a local file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in _chunks(f):
            digest.update(chunk)
    return digest.hexdigest()


def _streamed(body):
    """The chunks of an object's body; closed also when the download stops half-way."""
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


def _disposition(download_name, as_attachment):
    kind = "attachment" if as_attachment else "inline"
    if not download_name:
        return kind
    try:
        download_name.encode("ascii")
        return f"{kind}; filename={quote_header_value(download_name)}"
    except UnicodeEncodeError:
        from urllib.parse import quote

        return f"{kind}; filename*=UTF-8''{quote(download_name, safe='')}"


class LocalStorage:
    """Files in a folder of this machine: the embedded default, and one server's deployments."""

    name = "local"

    def __init__(self, root):
        self.root = Path(root)

    def path(self, key):
        """The file of `key` on disk."""
        return self.root / check_key(key)

    def put(self, key, data, *, mime=None, sha256=None):
        """Store `data` (bytes or a binary file object) under `key`, replacing what was there."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in _chunks(data):
                    out.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, key, path, *, mime=None):
        """Store the local file at `path` under `key`."""
        with open(path, "rb") as f:
            self.put(key, f, mime=mime)

    def copy(self, source, key):
        """Store a copy of the file `source` under `key`."""
        with self.open(source) as f:
            self.put(key, f)

    def download(self, key, path):
        """Write the file of `key` to the local `path`."""
        import shutil

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path(key), path)

    def get(self, key):
        """The bytes of `key`; FileNotFoundError when there are none."""
        return self.path(key).read_bytes()

    def open(self, key):
        """A binary file object reading `key`; FileNotFoundError when there is none."""
        return self.path(key).open("rb")

    def stat(self, key):
        """The Stat of `key`, or None."""
        path = self.path(key)
        return Stat(path.stat().st_size) if path.is_file() else None

    def exists(self, key):
        return self.path(key).is_file()

    def matches(self, key, path):
        """Whether `key` holds exactly the content of the local file `path`."""
        import filecmp

        target = self.path(key)
        return target.is_file() and filecmp.cmp(path, target, shallow=False)

    def delete(self, key):
        """Remove `key` if it is there."""
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix=""):
        """Every key under `prefix` ('media/' or ''), sorted."""
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return []
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in base.rglob("*")
            if p.is_file() and not p.name.startswith(".part-")
        )

    def send(self, key, *, mimetype=None, download_name=None, as_attachment=False, max_age=0, stream=False):
        """A response with the file, answering Range and conditional requests (always streamed)."""
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return send_file(
            path,
            mimetype=mimetype,
            conditional=True,
            as_attachment=as_attachment,
            download_name=download_name or path.name,
            max_age=max_age,
        )


class S3Storage:
    """Objects in an S3-compatible bucket, shared by every app server and task worker."""

    name = "s3"

    def __init__(self, client, bucket, *, prefix="", delivery="stream", url_seconds=300):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.delivery = delivery
        self.url_seconds = url_seconds

    def _key(self, key):
        return self.prefix + check_key(key)

    def _missing(self, error):
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")

    def ensure_bucket(self):
        """Create the bucket when it does not exist yet (a fresh deployment, the tests)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put(self, key, data, *, mime=None, sha256=None):
        """Store `data` (bytes or a binary file object) under `key`; large files in parts."""
        import io

        extra = {"ContentType": mime or "application/octet-stream"}
        if isinstance(data, bytes | bytearray | memoryview):
            sha256 = sha256 or hashlib.sha256(data).hexdigest()
            data = io.BytesIO(bytes(data))
        if sha256:
            extra["Metadata"] = {"sha256": sha256}
        self.client.upload_fileobj(data, self.bucket, self._key(key), ExtraArgs=extra)

    def put_file(self, key, path, *, mime=None):
        """Store the local file at `path` under `key`, with its SHA-256 as metadata."""
        digest = file_sha256(path)
        with open(path, "rb") as f:
            self.put(key, f, mime=mime, sha256=digest)

    def copy(self, source, key):
        """Store a copy of the object `source` under `key`, inside the bucket."""
        self.client.copy_object(
            Bucket=self.bucket, Key=self._key(key), CopySource={"Bucket": self.bucket, "Key": self._key(source)}
        )

    def download(self, key, path):
        """Write the object `key` to the local `path`."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            for chunk in _chunks(self.open(key)):
                out.write(chunk)

    def get(self, key):
        return self.open(key).read()

    def open(self, key):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise

    def stat(self, key):
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise
        return Stat(head["ContentLength"], head.get("Metadata", {}).get("sha256"))

    def exists(self, key):
        return self.stat(key) is not None

    def matches(self, key, path):
        """Whether `key` holds the content of the local file `path` (size and SHA-256)."""
        found = self.stat(key)
        if found is None or found.size != os.path.getsize(path):
            return False
        if found.sha256:
            return found.sha256 == file_sha256(path)
        return hashlib.sha256(self.get(key)).hexdigest() == file_sha256(path)

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self, prefix=""):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        return sorted(item["Key"][len(self.prefix) :] for page in pages for item in page.get("Contents", []))

    def presigned_url(self, key, *, mimetype=None, download_name=None, as_attachment=False, seconds=None):
        """An address of the object that works for `seconds` without credentials."""
        params = {"Bucket": self.bucket, "Key": self._key(key)}
        if mimetype:
            params["ResponseContentType"] = mimetype
        params["ResponseContentDisposition"] = _disposition(download_name, as_attachment)
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds or self.url_seconds)

    def send(self, key, *, mimetype=None, download_name=None, as_attachment=False, max_age=0, stream=False):
        """A presigned redirect, or the object streamed with byte ranges (MEDIA_DELIVERY); `stream`
        streams it whatever the setting (a phone keeping it for offline needs it from this site)."""
        found = self.stat(key)
        if found is None:
            raise FileNotFoundError(key)
        if self.delivery == "redirect" and not stream:
            url = self.presigned_url(key, mimetype=mimetype, download_name=download_name, as_attachment=as_attachment)
            response = redirect(url, 302)
            response.headers["Cache-Control"] = "private, no-store"  # the address expires
            return response
        size = found.size
        wanted = request.range.range_for_length(size) if request.range else None
        arguments = {"Bucket": self.bucket, "Key": self._key(key)}
        if request.range and wanted is None:
            response = Response(status=416)
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        if wanted:
            arguments["Range"] = f"bytes={wanted[0]}-{wanted[1] - 1}"
        body = self.client.get_object(**arguments)["Body"]
        response = Response(
            _streamed(body),
            status=206 if wanted else 200,
            mimetype=mimetype or mimetypes.guess_type(key)[0] or "application/octet-stream",
            direct_passthrough=True,
        )
        response.headers["Accept-Ranges"] = "bytes"
        if wanted:
            response.headers["Content-Range"] = f"bytes {wanted[0]}-{wanted[1] - 1}/{size}"
            response.content_length = wanted[1] - wanted[0]
        else:
            response.content_length = size
        response.headers["Content-Disposition"] = _disposition(download_name, as_attachment)
        response.cache_control.max_age = max_age
        response.cache_control.public = max_age > 0 or None
        return response


def local_folder(app=None):
    """The local backend's folder: STORAGE_FOLDER, else the instance folder."""
    app = app or current_app
    return Path(app.config.get("STORAGE_FOLDER") or app.instance_path)


def s3_client(*, endpoint_url=None, region=None, access_key=None, secret_key=None, addressing_style="path"):
    """A boto3 S3 client for an S3-compatible endpoint (AWS when `endpoint_url` is None)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or "us-east-1",
        aws_access_key_id=access_key or None,
        aws_secret_access_key=secret_key or None,
        config=Config(
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        ),
    )


_CONNECTION = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_ADDRESSING_STYLE")


def storage(app=None):
    """The configured backend of `app` (the current app by default)."""
    app = app or current_app
    config = app.config
    if not config.get("S3_BUCKET"):
        return LocalStorage(local_folder(app))
    # One client (and its connection pool) per app and endpoint; the storage around it is light.
    clients = app.extensions.setdefault(_KEY, {})
    connection = tuple(config.get(name) for name in _CONNECTION)
    if connection not in clients:
        clients[connection] = s3_client(
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY_ID"),
            secret_key=config.get("S3_SECRET_ACCESS_KEY"),
            addressing_style=config.get("S3_ADDRESSING_STYLE") or "path",
        )
    return S3Storage(
        clients[connection],
        config["S3_BUCKET"],
        prefix=config.get("S3_PREFIX") or "",
        delivery=config.get("MEDIA_DELIVERY") or "stream",
        url_seconds=int(config.get("MEDIA_URL_SECONDS") or 300),
    )


def media_origin(config):
    """The origin presigned media addresses point to, for the content security policy; or None."""
    from urllib.parse import urlsplit

    if not config.get("S3_BUCKET") or config.get("MEDIA_DELIVERY") != "redirect":
        return None
    endpoint = config.get("S3_ENDPOINT_URL")
    if not endpoint:
        region = config.get("S3_REGION") or "us-east-1"
        return f"https://{config['S3_BUCKET']}.s3.{region}.amazonaws.com"
    parts = urlsplit(endpoint)
    if (config.get("S3_ADDRESSING_STYLE") or "path") == "virtual":
        return f"{parts.scheme}://{config['S3_BUCKET']}.{parts.netloc}"
    return f"{parts.scheme}://{parts.netloc}"


# The folders of the local backend that hold user data, and so move to a bucket.
USER_DATA = ("uploads/", "media/", "evidence/", "jobs/")

media_cli = AppGroup("media", help="Uploaded files and course media (core/storage.py).")


def add_to_migration(app, label, pending, move):
    """Let `flask media migrate` also move files a feature kept elsewhere (in the database).

    `pending()` gives the ids still to move; `move(target, id)` stores one in the storage
    `target` and flushes. Each is committed on its own, so an interrupted run keeps its work.
    """
    app.extensions.setdefault("learnhub_storage_migrations", []).append((label, pending, move))


@media_cli.command("migrate")
@click.option(
    "--from",
    "source",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The local folder to copy from (default: STORAGE_FOLDER, else instance/).",
)
def migrate_command(source):
    """Copy the files of the local folder into the bucket of S3_BUCKET (safe to run again)."""
    target = storage()
    if not isinstance(target, S3Storage):
        raise click.UsageError("S3_BUCKET is not set: there is no bucket to copy into.")
    local = LocalStorage(source or local_folder())
    keys = [key for prefix in USER_DATA for key in local.keys(prefix)]
    target.ensure_bucket()
    copied = present = 0
    with click.progressbar(keys, label=f"Copying {len(keys)} files to {target.bucket}", show_pos=True) as bar:
        for key in bar:
            path = local.path(key)
            if target.matches(key, path):
                present += 1
                continue
            target.put_file(key, path, mime=mimetypes.guess_type(key)[0])
            copied += 1
    click.echo(f"{copied} copied, {present} already in the bucket. The local files are left as they were.")
    from learnhub.extensions import db

    for label, pending, move in current_app.extensions.get("learnhub_storage_migrations", []):
        ids = pending()
        with click.progressbar(ids, label=f"Moving {len(ids)} {label} from the database", show_pos=True) as bar:
            for item in bar:
                move(target, item)
                db.session.commit()
        click.echo(f"{len(ids)} {label} moved from the database into the bucket.")
