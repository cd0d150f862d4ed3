"""The SMS providers: signatures as the providers document them, and real HTTP requests to a server."""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from learnhub.notify.models import SmsMessage
from learnhub.notify.providers import (
    AliyunProvider,
    SmsError,
    TencentProvider,
    aliyun_percent_encode,
    aliyun_signature,
    tencent_authorization,
)

# The example of Alibaba Cloud SMS's "HTTP protocol and signature" documentation (SendSms, GET).
ALIYUN_DOC_PARAMS = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}


def test_the_aliyun_signature_is_the_documented_one():
    assert aliyun_signature(ALIYUN_DOC_PARAMS, "testSecret", method="GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert aliyun_percent_encode("a b*~/") == "a%20b%2A~%2F"


def test_the_tencent_signature_is_the_documented_one():
    # The example of Tencent Cloud API 3.0's "Signature v3" documentation (CVM DescribeInstances).
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert tencent_authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        host="cvm.tencentcloudapi.com",
        service="cvm",
        timestamp=1551113065,
        payload=payload,
        content_type="application/json; charset=utf-8",
    ) == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


class FakeProvider:
    """A local HTTP server standing for the provider: it checks signatures and answers as told."""

    def __init__(self):
        self.requests, self.answer, self.delay = [], {}, 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(fake.delay)
                fake.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                data = json.dumps(fake.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_provider():
    fake = FakeProvider()
    yield fake
    fake.close()


def _config(app, **values):
    return {**app.config, "SMS_TEMPLATE_CODE": "SMS_1001", "SMS_TEMPLATE_NOTICE": "1002", **values}


def _message():
    return SmsMessage(key="code:7", phone="13800000001", template="code", params={"code": "123456", "minutes": 10})


def test_aliyun_sends_a_signed_sendsms_and_reads_its_answer(app, fake_provider):
    config = _config(
        app, ALIYUN_SMS_ACCESS_KEY_ID="id", ALIYUN_SMS_ACCESS_KEY_SECRET="secret", ALIYUN_SMS_ENDPOINT=fake_provider.url
    )
    fake_provider.answer = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"}
    assert AliyunProvider(config).send(_message()) == "900619746936498440^0"
    headers, body = fake_provider.requests[0]
    params = dict(urllib.parse.parse_qsl(body.decode()))
    assert params["PhoneNumbers"] == "13800000001" and params["TemplateCode"] == "SMS_1001"
    assert json.loads(params["TemplateParam"]) == {"code": "123456", "minutes": "10"}
    assert params["SignName"] == app.config["SMS_SIGN_NAME"] and params["OutId"] == "code:7"
    assert params["Signature"] == aliyun_signature(params, "secret")  # what the provider checks
    fake_provider.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
    with pytest.raises(SmsError, match="BUSINESS_LIMIT_CONTROL"):
        AliyunProvider(config).send(_message())


def test_tencent_sends_a_signed_sendsms_and_reads_its_answer(app, fake_provider):
    config = _config(
        app,
        TENCENT_SMS_SECRET_ID="AKIDtest",
        TENCENT_SMS_SECRET_KEY="key",
        TENCENT_SMS_SDK_APP_ID="1400000000",
        TENCENT_SMS_ENDPOINT=fake_provider.url,
    )
    fake_provider.answer = {"Response": {"SendStatusSet": [{"Code": "Ok", "SerialNo": "2019:538884"}]}}
    message = _message()
    message.template, message.params = "notice", {"title": "必修课：安全第一"}
    assert TencentProvider(config).send(message) == "2019:538884"
    headers, body = fake_provider.requests[0]
    sent = json.loads(body)
    assert sent["PhoneNumberSet"] == ["+8613800000001"] and sent["TemplateId"] == "1002"
    assert sent["TemplateParamSet"] == ["必修课：安全第一"] and sent["SmsSdkAppId"] == "1400000000"
    assert headers["x-tc-action"] == "SendSms" and headers["x-tc-version"] == "2021-01-11"
    assert headers["authorization"] == tencent_authorization(
        secret_id="AKIDtest",
        secret_key="key",
        host=headers["host"],
        service="sms",
        timestamp=int(headers["x-tc-timestamp"]),
        payload=body,
        content_type=headers["content-type"],
    )
    fake_provider.answer = {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}}}
    with pytest.raises(SmsError, match="SignatureFailure"):
        TencentProvider(config).send(message)


def test_a_provider_that_does_not_answer_is_a_failure_to_retry(app):
    config = _config(app, ALIYUN_SMS_ENDPOINT="http://127.0.0.1:9/", SMS_TIMEOUT_SECONDS=2)
    with pytest.raises(SmsError, match="no answer"):
        AliyunProvider(config).send(_message())


def test_a_missing_template_id_says_which_setting(app):
    with pytest.raises(SmsError, match="SMS_TEMPLATE_CODE"):
        AliyunProvider({**app.config, "SMS_TEMPLATE_CODE": ""}).send(_message())
