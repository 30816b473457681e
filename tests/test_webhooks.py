"""Tests of sales_assessment/tools/webhooks.py: robot payloads, signatures, answers."""

import base64
import hashlib
import hmac
import importlib.util
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest

TOOL = Path(__file__).resolve().parent.parent / "sales_assessment" / "tools" / "webhooks.py"
NOW = 1_700_000_000.123


@pytest.fixture(scope="session")
def webhooks():
    """The webhooks helpers, loaded by file path (the package imports Odoo)."""
    spec = importlib.util.spec_from_file_location("sales_assessment_webhooks", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wecom_payload(webhooks):
    url, payload = webhooks.build_request("wecom", "https://qyapi.example/send?key=k", "T", "x")
    assert url == "https://qyapi.example/send?key=k"
    assert payload == {"msgtype": "markdown", "markdown": {"content": "x"}}


def test_dingtalk_signed_in_the_query(webhooks):
    base = "https://oapi.example/robot/send?access_token=t"
    url, payload = webhooks.build_request("dingtalk", base, "T", "x", secret="SEC", now=NOW)
    assert payload == {"msgtype": "markdown", "markdown": {"title": "T", "text": "x"}}
    query = parse_qs(urlsplit(url).query)
    assert query["access_token"] == ["t"]
    assert query["timestamp"] == ["1700000000123"]
    expected = base64.b64encode(hmac.new(
        b"SEC", b"1700000000123\nSEC", hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    # the sign is URL-encoded: base64 may hold "+", "/" and "="
    raw_sign = url.split("sign=")[1]
    assert unquote_plus(raw_sign) == expected


def test_dingtalk_without_secret_is_not_signed(webhooks):
    url, _payload = webhooks.build_request("dingtalk", "https://d.example/s", "T", "x", now=NOW)
    assert url == "https://d.example/s"


def test_feishu_signed_in_the_body(webhooks):
    _url, payload = webhooks.build_request("feishu", "https://f.example/hook", "T", "x",
                                           secret="SEC", now=NOW)
    assert payload["timestamp"] == "1700000000"
    expected = base64.b64encode(hmac.new(
        b"1700000000\nSEC", b"", hashlib.sha256).digest()).decode()
    assert payload["sign"] == expected
    assert payload["msg_type"] == "interactive"
    assert payload["card"]["elements"] == [{"tag": "markdown", "content": "x"}]
    assert payload["card"]["header"]["title"]["content"] == "T"


def test_unknown_provider(webhooks):
    with pytest.raises(ValueError):
        webhooks.build_request("slack", "https://s.example", "T", "x")


@pytest.mark.parametrize(("provider", "status", "data", "error"), [
    ("wecom", 200, {"errcode": 0, "errmsg": "ok"}, None),
    ("wecom", 200, {"errcode": 93000, "errmsg": "invalid key"}, "errcode 93000: invalid key"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"},
     "errcode 310000: sign not match"),
    ("feishu", 200, {"code": 0, "msg": "success"}, None),
    ("feishu", 200, {"StatusCode": 0}, None),
    ("feishu", 200, {"code": 19021, "msg": "sign match fail"}, "code 19021: sign match fail"),
    ("feishu", 500, {"code": 0}, "HTTP 500"),
    ("wecom", 200, None, "invalid answer (not a JSON object)"),
])
def test_response_error(webhooks, provider, status, data, error):
    assert webhooks.response_error(provider, status, data) == error


def test_retry_backoff_then_given_up(webhooks):
    delays = [webhooks.retry_delay_minutes(n) for n in range(1, webhooks.MAX_ATTEMPTS + 1)]
    assert delays == [1, 2, 4, 8, None]


def test_allowance(webhooks):
    assert webhooks.allowance(0) == 20
    assert webhooks.allowance(19) == 1
    assert webhooks.allowance(25) == 0


@pytest.mark.parametrize(("url", "valid"), [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", True),
    ("http://127.0.0.1:8069/hook", True),
    ("ftp://example.com/hook", False),
    ("javascript:alert(1)", False),
    ("https://", False),
    ("", False),
    (None, False),
])
def test_valid_url(webhooks, url, valid):
    assert webhooks.valid_url(url) is valid


def test_markdown_escapes_names(webhooks):
    line = webhooks.ranking_line(1, "Ann *Star* Seller", 92.5, "A")
    assert line == r"1. Ann \*Star\* Seller: 92.50 (A)"
    assert webhooks.ranking_line(2, "Bob", 80) == "2. Bob: 80.00"
    assert webhooks.markdown("Q1 [2025]", ["a", "b"]) == "**Q1 \\[2025\\]**\n\na\nb"
