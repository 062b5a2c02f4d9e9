"""Raw AWS JSON 1.1 requests, signed with botocore's own SigV4 signer, so the
tests can send bodies and headers boto3 would never produce."""
import datetime
import http.client
import json
import socket
from unittest import mock

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

from .server import REGION


class RawResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def error_type(self):
        """The __type of an error body (any 'prefix#' stripped), or None."""
        try:
            value = self.json()
        except ValueError:
            return None
        error_type = value.get("__type") if isinstance(value, dict) else None
        return error_type.rsplit("#", 1)[-1] if isinstance(error_type, str) else None

    @property
    def message(self):
        value = self.json()
        return value.get("message", value.get("Message", ""))

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:300]!r}>"


def sign(server, target, body, credentials=None, region=REGION, service="glue", when=None,
         content_type="application/x-amz-json-1.1", extra_headers=None):
    """Headers for a POST / carrying `body` (bytes), signed as botocore signs.

    `when` (a naive UTC datetime) overrides the signing time, for clock-skew tests.
    """
    creds = credentials or server.credentials
    headers = {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = target
    headers.update(extra_headers or {})
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers)
    signer = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(creds.access_key, creds.secret_key), service, region)
    if when is None:
        signer.add_auth(request)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            signer.add_auth(request)
    return dict(request.headers.items())


def send(server, headers, body, timeout=30):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        resp = conn.getresponse()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def call(server, operation, body, credentials=None, **sign_kwargs):
    """Signs and sends `body` (dict -> JSON, or raw bytes/str) to AWSGlue.<operation>."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    target = None if operation is None else f"AWSGlue.{operation}"
    headers = sign(server, target, body, credentials=credentials, **sign_kwargs)
    return send(server, headers, body)


def send_oversized(server, headers, total_length, chunk=1 << 20, timeout=30):
    """Sends a request whose body is `total_length` bytes of JSON-ish filler over
    a raw socket, tolerating the server answering (and closing) before the body
    is fully sent. Returns the RawResponse the server sent."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        head = [b"POST / HTTP/1.1", f"Host: {server.host}:{server.port}".encode(),
                f"Content-Length: {total_length}".encode()]
        for name, value in headers.items():
            if name.lower() not in ("content-length", "host"):
                head.append(f"{name}: {value}".encode())
        sock.sendall(b"\r\n".join(head) + b"\r\n\r\n")
        sent = 0
        filler = b" " * chunk
        try:
            while sent < total_length:
                n = min(chunk, total_length - sent)
                sock.sendall(filler[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse the body early, as it should
        sock.shutdown(socket.SHUT_WR) if sent >= total_length else None
        data = b""
        try:
            while True:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
                if _complete_http_response(data):
                    break
        except ConnectionResetError:
            if not data:
                raise
        return _parse_http_response(data)
    finally:
        sock.close()


def _complete_http_response(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


def _parse_http_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[:int(headers["content-length"])]
    return RawResponse(status, headers, body)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
