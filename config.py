"""Configuration, read from environment variables with defaults that suit the embedded demo."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Development and demo defaults: SQLite in instance/, a file cache there, in-process limits."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # Earlier keys, comma-separated, while changing SECRET_KEY: they still open sessions and the
    # sealed two-step secrets (accounts/twofactor.py); nothing new is signed or sealed with them.
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'learnhub.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = {
        # A ping before each use is a round trip on every request (a third of a page's on
        # PostgreSQL, issue 22). Connections are recycled before a firewall forgets them
        # (pool_recycle) and a lost one is replaced after its first error; DB_PRE_PING=1 pings
        # instead where connections are cut without warning (docs/deploy.md).
        "pool_pre_ping": os.environ.get("DB_PRE_PING", "0") == "1",
        # Per process: gunicorn workers x pool_size must stay under PostgreSQL's max_connections.
        **(
            {
                "pool_size": int(os.environ.get("DB_POOL_SIZE", 5)),
                "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", 5)),
                "pool_recycle": 1800,
            }
            if os.environ.get("DATABASE_URL", "").startswith("postgresql")
            else {}
        ),
    }
    # A read replica of PostgreSQL for the statistics' dashboards and exports (docs/deploy.md).
    SQLALCHEMY_BINDS = (
        {"stats_replica": os.environ["STATS_DATABASE_URL"]} if os.environ.get("STATS_DATABASE_URL") else {}
    )
    REDIS_URL = os.environ.get("REDIS_URL")
    # Rendered fragments (learnhub/core/cache.py): Redis where it is set, else files in instance/
    # that every process of this machine shares (an in-process cache would differ between workers).
    CACHE_TYPE = "RedisCache" if REDIS_URL else "FileSystemCache"
    CACHE_REDIS_URL = REDIS_URL
    CACHE_DIR = os.environ.get("CACHE_DIR", str(INSTANCE_DIR / "cache"))
    CACHE_THRESHOLD = 5000  # files kept at most before the oldest go
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "learnhub:")  # one per deployment sharing a Redis
    # The task queue (learnhub/core/tasks.py): Redis in production, a SQLite file in instance/ unset.
    TASK_QUEUE_URL = os.environ.get("TASK_QUEUE_URL") or os.environ.get("REDIS_URL")
    # The queue's name in Redis: two deployments (or two test runs) sharing one Redis each need their own.
    TASK_QUEUE_NAME = os.environ.get("TASK_QUEUE_NAME", "learnhub")

    # Requests larger than this are refused with 413 before a view runs.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 8 * 1024 * 1024))
    MAX_FORM_PARTS = 2000
    IMPORT_MAX_BYTES = 2 * 1024 * 1024
    IMPORT_MAX_ROWS = 5000
    # What an XLSX may unpack to: 5,000 rows of a worker list are a few MB of XML. A small zip
    # can hold far more, and parsing 43 MB of it held a worker for 26 s.
    IMPORT_MAX_UNPACKED_BYTES = 16 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "learnhub_session"
    PERMANENT_SESSION_LIFETIME = 30 * 24 * 3600
    # Checked on the server at every request (accounts.guards): a session unused for the idle
    # limit, or older than the absolute limit since its login, is over whatever the cookie says.
    SESSION_IDLE_HOURS = int(os.environ.get("SESSION_IDLE_HOURS", 14 * 24))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", 30 * 24))
    # The cookie is re-signed and sent when the session changes, not on every response;
    # accounts.auth touches it once a day, so that 30 days still count from the last visit.
    SESSION_REFRESH_EACH_REQUEST = False
    FORCE_HTTPS = False
    # Strict-Transport-Security on HTTPS responses; production sends it whoever redirects to HTTPS.
    HSTS = _env_bool("HSTS", False)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")

    # Rate limits: memory in one process, Redis when several processes share the load.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "learnhub")
    # How many proxies in front of the app append to X-Forwarded-For / -Proto (docs/deploy.md):
    # 1 behind one load balancer. 0 ignores those headers: anyone could write them.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", 0))
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 10 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "60 per 10 minutes"
    REGISTER_LIMIT_PER_ADDRESS = "20 per hour"
    # A forgotten password (accounts/recovery.py): codes asked for one number, and codes asked
    # for or tried from one address. A code is valid for SMS_CODE_MINUTES and SMS_CODE_TRIES tries.
    RESET_LIMIT_PER_PHONE = "1 per minute;5 per day"
    RESET_LIMIT_PER_ADDRESS = "20 per hour"
    SMS_CODE_MINUTES = 10
    # Registering with a mobile number asks for a code sent to it (on in production; the demo
    # and the tests leave it off, but for the tests that turn it on).
    PHONE_VERIFICATION = _env_bool("PHONE_VERIFICATION", False)
    # Bulk onboarding texts each worker with a phone a link to choose their password, valid this long.
    ACTIVATION_LINK_DAYS = int(os.environ.get("ACTIVATION_LINK_DAYS", 14))
    SMS_CODE_TRIES = 5

    # Credentials are signed with one Ed25519 key. Several servers must share it: give the PEM
    # itself (CREDENTIAL_KEY) or a path every server reads (CREDENTIAL_KEY_PATH); unset, a key
    # is generated into instance/ on first use.
    CREDENTIAL_KEY = os.environ.get("CREDENTIAL_KEY")
    CREDENTIAL_KEY_PATH = os.environ.get("CREDENTIAL_KEY_PATH")
    CREDENTIAL_ISSUER_NAME = os.environ.get("CREDENTIAL_ISSUER_NAME", "LearnHub 职工学习网")
    # The font printable certificates are drawn in (recognition/certificate.py): a CJK font from
    # Debian's packages (apt-get install fonts-wqy-microhei); without one, no PDF is offered.
    CERTIFICATE_FONT = os.environ.get("CERTIFICATE_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    # The address credentials and their QR codes point to, e.g. https://learnhub.example.cn;
    # required in production. When set, requests for any other host are refused (Flask's
    # TRUSTED_HOSTS, derived from it in core unless given); unset (development), the request's.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    TRUSTED_HOSTS = (
        [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",")] if os.environ.get("TRUSTED_HOSTS") else None
    )
    PRIOR_LEARNING_MAX_BYTES = 6 * 1024 * 1024

    # Where user files live (core/storage.py): uploads, course media, evidence, exports. Unset
    # S3_BUCKET, a local folder (STORAGE_FOLDER, default instance/); set, an S3-compatible bucket
    # that every app server and task worker shares (AWS S3, Alibaba OSS, Tencent COS, MinIO,
    # SeaweedFS). Without S3_ACCESS_KEY_ID, boto3 looks for credentials as usual (AWS_* variables,
    # an instance role). OSS and COS want S3_ADDRESSING_STYLE=virtual.
    STORAGE_FOLDER = os.environ.get("STORAGE_FOLDER")
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    S3_REGION = os.environ.get("S3_REGION", "us-east-1")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE", "path")
    # Media from a bucket: "stream" (the app sends the bytes, with ranges) or "redirect" (to a
    # presigned address of the bucket, valid MEDIA_URL_SECONDS; the bucket must be reachable by users).
    MEDIA_DELIVERY = os.environ.get("MEDIA_DELIVERY", "stream")
    MEDIA_URL_SECONDS = int(os.environ.get("MEDIA_URL_SECONDS", 300))
    # Jobs (core/jobs.py): how long a finished export can be downloaded, and how often a job
    # is tried before it is marked failed.
    JOB_RESULT_HOURS = int(os.environ.get("JOB_RESULT_HOURS", 24))
    JOB_MAX_ATTEMPTS = 3
    # Studio: uploads are checked by content; each kind has its own size limit.
    STUDIO_MAX_IMAGE_BYTES = int(os.environ.get("STUDIO_MAX_IMAGE_BYTES", 10 * 1024 * 1024))
    STUDIO_MAX_PDF_BYTES = int(os.environ.get("STUDIO_MAX_PDF_BYTES", 20 * 1024 * 1024))
    STUDIO_MAX_VIDEO_BYTES = int(os.environ.get("STUDIO_MAX_VIDEO_BYTES", 200 * 1024 * 1024))
    STUDIO_IMAGE_MAX_WIDTH = 720  # pixels: sharp on a phone, light on a weak network
    STUDIO_LESSON_MAX_CHARS = 20000  # about 60 KB of Chinese: the weight of a worker page
    # Video for phones (core/video.py): every uploaded video gets an H.264/AAC rendition of at
    # most 480p at no more than TRANSCODE_VIDEO_KBPS + TRANSCODE_AUDIO_KBPS (some 0.7 Mbit/s,
    # which 3G carries; slides and talking heads take less), made by the task queue. The preset trades CPU for size; a job is stopped after
    # TRANSCODE_TIMEOUT_SECONDS.
    TRANSCODE_VIDEO_KBPS = int(os.environ.get("TRANSCODE_VIDEO_KBPS", 600))
    TRANSCODE_AUDIO_KBPS = int(os.environ.get("TRANSCODE_AUDIO_KBPS", 64))
    TRANSCODE_PRESET = os.environ.get("TRANSCODE_PRESET", "veryfast")
    TRANSCODE_THREADS = int(os.environ.get("TRANSCODE_THREADS", 2))
    TRANSCODE_TIMEOUT_SECONDS = int(os.environ.get("TRANSCODE_TIMEOUT_SECONDS", 3600))

    # Study time as evidence (learning/study.py). The player's heartbeat comes every this many
    # seconds while a reader is active; each counts at most STUDY_HEARTBEAT_CAP_SECONDS since the one before.
    STUDY_HEARTBEAT_SECONDS = int(os.environ.get("STUDY_HEARTBEAT_SECONDS", 30))
    STUDY_HEARTBEAT_CAP_SECONDS = 60
    # A lesson is done once this share of its reading time was spent on it; a video once this
    # share of it was played. (Tests and a trial may lower them; 0 turns the check off.)
    LESSON_READ_SHARE = float(os.environ.get("LESSON_READ_SHARE", 0.6))
    VIDEO_PLAYED_SHARE = float(os.environ.get("VIDEO_PLAYED_SHARE", 0.9))
    # Offline learning (learnhub/offline): what a phone learnt offline is accepted when it syncs
    # for this many days after the page was downloaded, and one sync sends at most this many items.
    OFFLINE_DAYS = int(os.environ.get("OFFLINE_DAYS", 14))
    OFFLINE_SYNC_MAX_ITEMS = 200
    # Quizzes (learning/quiz.py): attempts a day at one quiz, and the wait after a failed one (0: none).
    QUIZ_ATTEMPTS_PER_DAY = int(os.environ.get("QUIZ_ATTEMPTS_PER_DAY", 3))
    QUIZ_COOLDOWN_MINUTES = int(os.environ.get("QUIZ_COOLDOWN_MINUTES", 5))
    # A timed paper handed in this many seconds after its time is still scored (a slow network).
    QUIZ_LATE_GRACE_SECONDS = int(os.environ.get("QUIZ_LATE_GRACE_SECONDS", 30))
    # Drills (learnhub/contests): questions in a daily drill.
    DRILL_QUESTIONS = int(os.environ.get("DRILL_QUESTIONS", 10))

    # The hours rule (learnhub/catalog/hours.py): one 学时 is this many minutes, one 学分 this many
    # 学时; a lesson reads at this many Chinese characters a minute. A module may declare at most
    # one and a half times what its content takes, and credits at most what its minutes earn.
    MINUTES_PER_XUESHI = int(os.environ.get("MINUTES_PER_XUESHI", 45))
    XUESHI_PER_CREDIT = int(os.environ.get("XUESHI_PER_CREDIT", 16))
    READING_CHARS_PER_MINUTE = int(os.environ.get("READING_CHARS_PER_MINUTE", 300))
    HOURS_RULE_CHECKED = True

    # SMS (learnhub/notify/sms.py): the backend is "log" (the message goes to the log and to a page
    # only admins of the national union can open), "aliyun" or "tencent", with keys and template
    # ids below. Each template is one the provider approved: "code" takes ${code} and ${minutes},
    # "notice" takes ${title}, "activation" ${name} and ${link} (Tencent: {1} {2}, in that order).
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "log")
    SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "职工学习网")
    SMS_TEMPLATE_CODE = os.environ.get("SMS_TEMPLATE_CODE", "")
    SMS_TEMPLATE_NOTICE = os.environ.get("SMS_TEMPLATE_NOTICE", "")
    SMS_TEMPLATE_ACTIVATION = os.environ.get("SMS_TEMPLATE_ACTIVATION", "")
    ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
    ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
    ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
    TENCENT_SMS_SECRET_ID = os.environ.get("TENCENT_SMS_SECRET_ID", "")
    TENCENT_SMS_SECRET_KEY = os.environ.get("TENCENT_SMS_SECRET_KEY", "")
    TENCENT_SMS_SDK_APP_ID = os.environ.get("TENCENT_SMS_SDK_APP_ID", "")
    TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
    TENCENT_SMS_ENDPOINT = os.environ.get("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/")
    # No notification by SMS between these hours of the person's day (Beijing time): it waits
    # until the end of them. Codes a person asked for are sent at once.
    SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "22:00-07:00")
    SMS_TIMEZONE = "Asia/Shanghai"
    SMS_DAILY_CAP = int(os.environ.get("SMS_DAILY_CAP", 5))  # notifications by SMS a person a day
    # A failed send is tried again after 1, 2, 4, 8 minutes...; after this many tries it waits in
    # the failed list (/sms/failed) for an admin of the deployment.
    SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", 5))
    SMS_RETRY_SECONDS = int(os.environ.get("SMS_RETRY_SECONDS", 60))
    SMS_TIMEOUT_SECONDS = 10

    PASSWORD_HASH_METHOD = "scrypt"
    # Two-step sign-in (accounts/twofactor.py): admins must sign in with a code from an app after
    # their password where this is on (production's default); anyone may choose it for themself.
    TWO_FACTOR_FOR_ADMINS = _env_bool("TWO_FACTOR_FOR_ADMINS", False)
    # The name the authenticator app shows beside the codes.
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "LearnHub")
    PRIVACY_NOTICE_VERSION = "2026-11"
    PEOPLE_PER_PAGE = 25
    # Statistics: headcounts (workers, active learners) are recounted for every union at once
    # by a periodic task every this many minutes; an XLSX export holds at most this many rows.
    STATS_HEADCOUNT_MINUTES = int(os.environ.get("STATS_HEADCOUNT_MINUTES", 5))
    STATS_XLSX_MAX_ROWS = 50_000
    # The rollups of the unions above a learner's are added from an outbox by a periodic task
    # (every minute), this many events a batch; a full batch queues the next one at once.
    STATS_OUTBOX_BATCH = int(os.environ.get("STATS_OUTBOX_BATCH", 5000))

    # The benchmark's X-SQL-Queries response header and Server-Timing headers (learnhub/core/metering.py); off in production.
    SQL_COUNT_HEADER = _env_bool("SQL_COUNT_HEADER")

    # Learning records (learnhub/xapi): every learning event becomes an xAPI 1.0.3 statement in an
    # outbox, sent by the task queue in batches of XAPI_BATCH to the Learning Record Store at
    # XAPI_LRS_URL (its xAPI root, e.g. https://lrs.example.cn/xAPI; HTTP Basic auth with the
    # username and password). Unset: nothing is recorded. An LRS that is down is tried again
    # after XAPI_RETRY_SECONDS, doubling up to XAPI_RETRY_MAX_SECONDS.
    XAPI_LRS_URL = os.environ.get("XAPI_LRS_URL")
    XAPI_LRS_USERNAME = os.environ.get("XAPI_LRS_USERNAME", "")
    XAPI_LRS_PASSWORD = os.environ.get("XAPI_LRS_PASSWORD", "")
    XAPI_BATCH = int(os.environ.get("XAPI_BATCH", 200))
    XAPI_RETRY_SECONDS = int(os.environ.get("XAPI_RETRY_SECONDS", 60))
    XAPI_RETRY_MAX_SECONDS = int(os.environ.get("XAPI_RETRY_MAX_SECONDS", 3600))
    XAPI_TIMEOUT_SECONDS = 10

    # The JSON API (/api/v1): requests a minute each token may make (Flask-Limiter's notation);
    # its OpenAPI document (flask-smorest) at /api/v1/openapi.json.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    # The completions feed serves an entry once it is this old: a transaction still open may hold
    # an entry with a lower id than one already committed, and the cursor must not pass it by.
    # Longer than any transaction that records a completion (a request's, a job's batch).
    API_FEED_SETTLE_SECONDS = int(os.environ.get("API_FEED_SETTLE_SECONDS", 60))
    # When v1 is on its way out (a v2 to move to): from API_V1_DEPRECATED_AT (an ISO date) every
    # /api/v1 answer carries Deprecation, Sunset (API_V1_SUNSET_AT) and Link (API_V1_SUCCESSOR) headers.
    API_V1_DEPRECATED_AT = os.environ.get("API_V1_DEPRECATED_AT")
    API_V1_SUNSET_AT = os.environ.get("API_V1_SUNSET_AT")
    API_V1_SUCCESSOR = os.environ.get("API_V1_SUCCESSOR")
    API_TITLE = "LearnHub API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Union systems' OAuth 2.0 tokens (Authlib): prefixed, valid for an hour, these scopes only.
    OAUTH2_ACCESS_TOKEN_GENERATOR = "learnhub.api.unions.generate_access_token"
    OAUTH2_TOKEN_EXPIRES_IN = {"client_credentials": 3600}
    OAUTH2_SCOPES_SUPPORTED = ["roster", "stats", "completions"]


class ProductionConfig(Config):
    """Behind HTTPS: secure cookies, HSTS, and a secret key that must be given."""

    SESSION_COOKIE_SECURE = True
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", True)
    HSTS = True  # also behind a TLS balancer that redirects itself (FORCE_HTTPS=0)
    TWO_FACTOR_FOR_ADMINS = _env_bool("TWO_FACTOR_FOR_ADMINS", True)
    PHONE_VERIFICATION = _env_bool("PHONE_VERIFICATION", True)

    def __init__(self):
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")
        # Signed credentials name this address; without it they would name whatever Host a
        # request claimed (and requests for other hosts are refused: core derives TRUSTED_HOSTS).
        if not os.environ.get("PUBLIC_BASE_URL"):
            raise RuntimeError("PUBLIC_BASE_URL must be set in production, e.g. https://learnhub.example.cn")
        self.PUBLIC_BASE_URL = os.environ["PUBLIC_BASE_URL"]


class TestConfig(Config):
    """The test suite: its own database, fast password hashing, no real limits storage."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    TASK_QUEUE_URL = "memory://"
    # One process: its own memory (emptied before each test); tests/test_two_servers.py uses Redis.
    CACHE_TYPE = "SimpleCache"
    # No LRS unless a test starts one (tests/xapi: a real Ralph LRS) and points the app at it.
    XAPI_LRS_URL = None
    # Most tests are about what learning pays, not how long it took or how often a quiz is
    # tried: those checks are on in tests/learning/test_study.py, test_quiz.py and the journeys.
    LESSON_READ_SHARE = 0
    VIDEO_PLAYED_SHARE = 0
    QUIZ_ATTEMPTS_PER_DAY = 0
    QUIZ_COOLDOWN_MINUTES = 0
    # Likewise most tests are not about how many minutes and credits content may declare: the
    # hours rule is on in tests/catalog/test_hours.py, the shipped courses' import and the journeys.
    HOURS_RULE_CHECKED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Files go to the local folder (tests point the instance folder at a temporary one); the
    # storage tests start a real object store and set S3_* themselves.
    S3_BUCKET = None
    STORAGE_FOLDER = None
    # On in tests/accounts/test_two_factor.py and the admin's two-step journey, which are about it.
    TWO_FACTOR_FOR_ADMINS = False


def config_from_env():
    """The configuration class named by LEARNHUB_CONFIG (development by default)."""
    name = os.environ.get("LEARNHUB_CONFIG", "development").lower()
    if name == "production":
        return ProductionConfig()
    return Config()
