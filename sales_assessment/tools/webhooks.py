"""Chat-group robots: payloads, signatures, answers and pacing of the pushes.

Pure functions, without Odoo, tested alone (see DESIGN.md "Chat-group
pushes"). The three providers take markdown in their documented JSON:

* ``wecom`` (企业微信 group robot): ``{"msgtype": "markdown", "markdown":
  {"content": text}}`` posted to the robot's URL; answers ``errcode`` 0.
* ``dingtalk`` (钉钉 custom robot): ``{"msgtype": "markdown", "markdown":
  {"title": title, "text": text}}``; with a secret, ``timestamp`` (ms) and
  ``sign`` = base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")) are
  added to the URL's query; answers ``errcode`` 0.
* ``feishu`` (飞书 custom bot): an ``interactive`` card with one ``markdown``
  element; with a secret, ``timestamp`` (s) and ``sign`` =
  base64(HMAC-SHA256(key="timestamp\\nsecret", msg=b"")) in the body;
  answers ``code`` 0 (``StatusCode`` 0 on older bots).

A failed send is tried again after 1, 2, 4, 8 minutes, and given up after
``MAX_ATTEMPTS`` attempts; a robot takes at most ``RATE_LIMIT`` messages in
``RATE_WINDOW`` seconds.
"""

import base64
import hashlib
import hmac
import re
from urllib.parse import urlencode, urlsplit

PROVIDERS = ("wecom", "dingtalk", "feishu")
MAX_ATTEMPTS = 5
RATE_LIMIT = 20
RATE_WINDOW = 60  # seconds
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def valid_url(url):
    """Whether ``url`` is an absolute http(s) URL with a host."""
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def sign_dingtalk(secret, timestamp_ms):
    """DingTalk's ``sign`` (before URL encoding) of ``timestamp_ms``."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_feishu(secret, timestamp_s):
    """Feishu's ``sign`` of ``timestamp_s``: the key is "timestamp\\nsecret"."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def build_request(provider, url, title, text, secret=None, now=None):
    """Return ``(url, payload)`` of a markdown message for ``provider``.

    :param now: the POSIX time of the signature, in seconds (float)
    """
    if provider == "wecom":
        return url, {"msgtype": "markdown", "markdown": {"content": text}}
    if provider == "dingtalk":
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if secret:
            timestamp = int(now * 1000)
            query = urlencode({"timestamp": timestamp, "sign": sign_dingtalk(secret, timestamp)})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url, payload
    if provider == "feishu":
        return url, _feishu_payload(title, text, secret, now)
    raise ValueError(f"unknown provider {provider!r}")


def _feishu_payload(title, text, secret, now):
    payload = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": title}},
            "elements": [{"tag": "markdown", "content": text}],
        },
    }
    if secret:
        timestamp = str(int(now))
        payload = {"timestamp": timestamp, "sign": sign_feishu(secret, timestamp), **payload}
    return payload


def response_error(provider, status, data):
    """The error of a robot's answer, or None when the message was taken.

    :param status: the HTTP status code
    :param data: the decoded JSON body (None when it was not JSON)
    """
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(data, dict):
        return "invalid answer (not a JSON object)"
    key = "errcode" if provider in ("wecom", "dingtalk") else "code"
    code = data.get(key, data.get("StatusCode"))
    if code == 0:
        return None
    detail = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
    return f"{key} {code}: {detail}".strip()


def retry_delay_minutes(attempts):
    """Minutes before the next try after ``attempts`` failed ones, or None
    when the message is given up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return 2 ** (attempts - 1)


def allowance(recent_sends, limit=RATE_LIMIT):
    """How many more messages a robot takes now, after ``recent_sends`` in
    the current window."""
    return max(limit - recent_sends, 0)


def escape_markdown(value):
    """``value`` as literal markdown text (names may hold ``*`` or ``_``)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def markdown(title, lines):
    """A message: ``title`` in bold, then one line each (already markdown)."""
    return "\n".join([f"**{escape_markdown(title)}**", "", *lines])


def ranking_line(rank, name, score, grade=None):
    """``1. Ann Seller: 92.50 (A)``, the name escaped."""
    line = f"{rank}. {escape_markdown(name)}: {score:.2f}"
    return f"{line} ({escape_markdown(grade)})" if grade else line
