"""SMS providers: one interface, a `log` backend and adapters for Alibaba Cloud and Tencent Cloud.

`provider(app).send(message)` sends one `SmsMessage` (phone, template name, params, text) and
returns the provider's reference, or raises `SmsError`. Templates are the provider-approved
ones named in config: "code" (params code, minutes) and "notice" (param title).

The adapters sign the providers' documented HTTP APIs with the standard library: Alibaba Cloud's
SendSms (RPC style, HMAC-SHA1 signature v1.0) and Tencent Cloud's SendSms (API 3.0,
TC3-HMAC-SHA256). Their official SDKs were weighed: Alibaba's pulls in its Tea runtime, a
credentials library and aiohttp; Tencent's is light, but two SDKs for one small request each
would be two ways of doing the same thing. `tests/notify/test_providers.py` checks both
signatures against the examples in the providers' documentation.
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime

from flask import current_app

from learnhub.core.db import utcnow
from learnhub.extensions import db

log = logging.getLogger("learnhub.sms")

# The order of each template's parameters (Tencent's templates number them {1}, {2}...).
TEMPLATE_PARAMS = {"code": ("code", "minutes"), "notice": ("title",), "activation": ("name", "link")}


class SmsError(Exception):
    """The provider did not take the message (the sender retries, then gives up)."""


class LogProvider:
    """Development and the demo: the message goes to the log and to /sms/log (admins of the deployment)."""

    name = "log"

    def __init__(self, config):
        self.sign_name = config["SMS_SIGN_NAME"]

    def send(self, message):
        from learnhub.notify.models import SmsLogEntry

        text = f"【{self.sign_name}】{message.text}"
        log.info("SMS to %s: %s", message.phone, text)
        entry = SmsLogEntry(phone=message.phone, text=text, key=message.key, created_at=utcnow())
        db.session.add(entry)
        db.session.flush()
        return f"log-{entry.id}"


def _template_id(config, template):
    template_id = config.get(f"SMS_TEMPLATE_{template.upper()}")
    if not template_id:
        raise SmsError(f"no template id configured for {template!r} (SMS_TEMPLATE_{template.upper()})")
    return template_id


def _post(url, data, headers, timeout):
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https from config)
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")[:300]
        raise SmsError(f"HTTP {error.code}: {body}") from error
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise SmsError(f"no answer: {error}") from error


# ---------------------------------------------------------------- Alibaba Cloud


def aliyun_percent_encode(value):
    """Alibaba Cloud's POP encoding: RFC 3986, space as %20, * as %2A, ~ kept."""
    return urllib.parse.quote(str(value), safe="~")


def aliyun_signature(params, secret, method="POST"):
    """The HMAC-SHA1 signature (v1.0) of an RPC request's parameters, base64-encoded."""
    canonical = "&".join(
        f"{aliyun_percent_encode(k)}={aliyun_percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    string_to_sign = f"{method}&{aliyun_percent_encode('/')}&{aliyun_percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunProvider:
    """Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms)."""

    name = "aliyun"

    def __init__(self, config):
        self.config = config

    def request_params(self, message, *, nonce=None, timestamp=None):
        """The signed form of one SendSms request."""
        config = self.config
        params = {
            "AccessKeyId": config["ALIYUN_SMS_ACCESS_KEY_ID"],
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message.key[:64],
            "PhoneNumbers": message.phone,
            "RegionId": "cn-hangzhou",
            "SignName": config["SMS_SIGN_NAME"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "TemplateCode": _template_id(config, message.template),
            "TemplateParam": json.dumps(
                {name: str(message.params.get(name, "")) for name in TEMPLATE_PARAMS[message.template]},
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            "Timestamp": timestamp or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, config["ALIYUN_SMS_ACCESS_KEY_SECRET"])
        return params

    def send(self, message):
        body = urllib.parse.urlencode(self.request_params(message), quote_via=urllib.parse.quote).encode()
        answer = _post(
            self.config["ALIYUN_SMS_ENDPOINT"],
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
            self.config["SMS_TIMEOUT_SECONDS"],
        )
        if answer.get("Code") != "OK":
            raise SmsError(f"{answer.get('Code')}: {answer.get('Message')}")
        return str(answer.get("BizId", ""))


# ---------------------------------------------------------------- Tencent Cloud


def tencent_authorization(*, secret_id, secret_key, host, service, timestamp, payload, content_type):
    """The TC3-HMAC-SHA256 Authorization header of a POST of `payload` (bytes) to `host`."""

    def sha256_hex(data):
        return hashlib.sha256(data).hexdigest()

    def hmac_sha256(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join(
        ["POST", "/", "", f"content-type:{content_type}\nhost:{host}\n", "content-type;host", sha256_hex(payload)]
    )
    scope = f"{day}/{service}/tc3_request"
    string_to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{sha256_hex(canonical_request.encode())}"
    key = hmac_sha256(hmac_sha256(hmac_sha256(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={signature}"


class TencentProvider:
    """Tencent Cloud SMS (API 3.0, version 2021-01-11, SendSms)."""

    name = "tencent"
    content_type = "application/json; charset=utf-8"

    def __init__(self, config):
        self.config = config

    def request(self, message, *, timestamp=None):
        """(headers, body) of one signed SendSms request."""
        config = self.config
        body = json.dumps(
            {
                "PhoneNumberSet": [f"+86{message.phone}"],
                "SmsSdkAppId": config["TENCENT_SMS_SDK_APP_ID"],
                "SignName": config["SMS_SIGN_NAME"],
                "TemplateId": _template_id(config, message.template),
                "TemplateParamSet": [str(message.params.get(name, "")) for name in TEMPLATE_PARAMS[message.template]],
                "SessionContext": message.key[:128],
            },
            ensure_ascii=False,
        ).encode()
        timestamp = timestamp or int(datetime.now(UTC).timestamp())
        host = urllib.parse.urlsplit(config["TENCENT_SMS_ENDPOINT"]).netloc
        headers = {
            "Authorization": tencent_authorization(
                secret_id=config["TENCENT_SMS_SECRET_ID"],
                secret_key=config["TENCENT_SMS_SECRET_KEY"],
                host=host,
                service="sms",
                timestamp=timestamp,
                payload=body,
                content_type=self.content_type,
            ),
            "Content-Type": self.content_type,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": "2021-01-11",
            "X-TC-Region": config["TENCENT_SMS_REGION"],
        }
        return headers, body

    def send(self, message):
        headers, body = self.request(message)
        answer = _post(self.config["TENCENT_SMS_ENDPOINT"], body, headers, self.config["SMS_TIMEOUT_SECONDS"])
        response = answer.get("Response", {})
        if "Error" in response:
            raise SmsError(f"{response['Error'].get('Code')}: {response['Error'].get('Message')}")
        statuses = response.get("SendStatusSet") or [{}]
        if statuses[0].get("Code") != "Ok":
            raise SmsError(f"{statuses[0].get('Code')}: {statuses[0].get('Message')}")
        return str(statuses[0].get("SerialNo", ""))


PROVIDERS = {"log": LogProvider, "aliyun": AliyunProvider, "tencent": TencentProvider}


def provider(app=None):
    """The SMS provider the deployment's config names."""
    config = (app or current_app).config
    try:
        return PROVIDERS[config["SMS_BACKEND"]](config)
    except KeyError:
        raise RuntimeError(f"SMS_BACKEND must be one of {', '.join(PROVIDERS)}") from None
