"""Small HTTP servers speaking just enough of S3, the container credentials
endpoint and EC2's instance metadata service (IMDSv2) for the credential
tests. The S3 stub checks every SigV4 signature: it builds the canonical
request from what arrived on the wire and lets botocore derive the string
to sign and the signature, so a request passes only if Mortar signed it
the way AWS would, with the credentials the test expects."""
import datetime
import hashlib
import http.server
import json
import threading
from urllib.parse import parse_qsl, quote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class Server:
    """Runs a handler class on 127.0.0.1:<free port> in a thread."""

    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def iso8601(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class S3Stub(Quiet):
    """Serves the objects in `objects` ({"/bucket/key": bytes}) to requests
    signed with a key in `keys` ({access_key_id: (secret, session_token)})."""
    objects = {}
    keys = {}
    region = "us-east-1"
    seen = []  # (method, path, access key id or None, session token or None)
    errors = []  # why requests were refused

    def _verify(self):
        auth = self.headers.get("Authorization")
        if not auth:
            return None, "unsigned"
        fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        akid, date8, region, service, _ = fields["Credential"].split("/")
        if akid not in self.keys:
            return akid, "unknown access key " + akid
        secret, token = self.keys[akid]
        if region != self.region or service != "s3":
            return akid, f"scope {region}/{service}, expected {self.region}/s3"
        if token and self.headers.get("X-Amz-Security-Token") != token:
            return akid, "missing or wrong session token"
        signed = fields["SignedHeaders"].split(";")
        if "x-amz-security-token" in {h.lower() for h in self.headers} and "x-amz-security-token" not in signed:
            return akid, "session token not signed"
        url = urlsplit(self.path)
        query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
                         for k, v in sorted(parse_qsl(url.query, keep_blank_values=True)))
        canonical = "\n".join([self.command, url.path, query]
                              + [f"{h}:{' '.join(self.headers.get(h, '').split())}" for h in signed]
                              + ["", ";".join(signed), self.headers["X-Amz-Content-Sha256"]])
        request = AWSRequest(method=self.command, url="http://" + self.headers["Host"] + self.path)
        request.context["timestamp"] = self.headers["X-Amz-Date"]
        signer = SigV4Auth(Credentials(akid, secret, token), "s3", self.region)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if expected != fields["Signature"]:
            return akid, "SignatureDoesNotMatch"
        return akid, None

    def _handle(self):
        akid, error = self._verify()
        S3Stub.seen.append((self.command, self.path, akid, self.headers.get("X-Amz-Security-Token")))
        if error:
            S3Stub.errors.append(error)
            return self.reply(403, f"<Error><Code>AccessDenied</Code><Message>{error}</Message></Error>")
        body = self.objects.get(urlsplit(self.path).path)
        if body is None:
            return self.reply(404, "<Error><Code>NoSuchKey</Code></Error>")
        if self.command == "HEAD":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", '"%s"' % hashlib.md5(body).hexdigest())
            self.end_headers()
            return
        first, last = (int(x) for x in self.headers["Range"].split("=")[1].split("-"))
        self.reply(206, body[first:last + 1])

    do_GET = _handle
    do_HEAD = _handle


class ContainerEndpoint(Quiet):
    """GET <any path> with the expected Authorization -> credentials JSON."""
    token = "container-auth-token"
    credentials = {}
    seen = []  # (path, authorization header)

    def do_GET(self):
        ContainerEndpoint.seen.append((self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != self.token:
            return self.reply(401, '{"message": "bad authorization"}')
        self.reply(200, json.dumps(self.credentials), [("Content-Type", "application/json")])


class Imds(Quiet):
    """IMDSv2: PUT /latest/api/token, then the role list and the role's
    credentials, both requiring the session token. Each credentials GET
    returns a new access key id (ASIAIMDS1, ASIAIMDS2, ...) registered with
    S3Stub, expiring `lifetime` seconds from now."""
    role = "mortar-role"
    lifetime = 3600
    issued = 0
    seen = []  # (method, path)

    def do_PUT(self):
        Imds.seen.append(("PUT", self.path))
        if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400)
        self.reply(200, "imds-session-token")

    def do_GET(self):
        Imds.seen.append(("GET", self.path))
        if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
            return self.reply(401)
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == base:
            return self.reply(200, self.role)
        if self.path == base + self.role:
            Imds.issued += 1
            akid = f"ASIAIMDS{Imds.issued}"
            S3Stub.keys[akid] = ("imds-secret", "imds-token-%d" % Imds.issued)
            return self.reply(200, json.dumps({
                "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": akid,
                "SecretAccessKey": "imds-secret", "Token": "imds-token-%d" % Imds.issued,
                "Expiration": iso8601(self.lifetime)}))
        self.reply(404)
