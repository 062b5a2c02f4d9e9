"""Where `mortar file` gets its S3 credentials: the AWS SDKs' default chain
(environment, shared credentials file, credential_process, config file,
container endpoint, EC2 instance metadata v2), checked end to end. Every S3
request goes to a stub that verifies its SigV4 signature (tests/io/s3_stubs.py)
and records which access key and session token signed it."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from s3_stubs import ContainerEndpoint, Imds, S3Stub, Server, iso8601  # noqa: E402
from test_s3 import _mortar_command, rows  # noqa: E402

CSV = b"id,name\n1,ann\n2,bob\n"


@pytest.fixture
def stubs(tmp_path):
    S3Stub.objects = {"/creds/t.csv": CSV}
    S3Stub.keys = {}
    S3Stub.region = "us-east-1"
    S3Stub.seen = []
    S3Stub.errors = []
    ContainerEndpoint.seen = []
    Imds.seen = []
    Imds.issued = 0
    Imds.lifetime = 3600
    servers = {"s3": Server(S3Stub), "container": Server(ContainerEndpoint), "imds": Server(Imds)}
    yield {name: s.url for name, s in servers.items()}
    for s in servers.values():
        s.close()


@pytest.fixture
def cat(stubs, tmp_path):
    """Runs `mortar file cat s3://creds/t.csv` with only the given AWS settings."""
    command = _mortar_command()
    home = tmp_path / "home"
    home.mkdir()

    def run(env, check=True):
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MORTAR_S3"))}
        base.update(HOME=str(home), MORTAR_S3_ENDPOINT=stubs["s3"], AWS_EC2_METADATA_DISABLED="true")
        base.update(env)
        base = {k: v for k, v in base.items() if v is not None}
        proc = subprocess.run(command + ["cat", "s3://creds/t.csv", "--to", "jsonl"], capture_output=True,
                              timeout=120, env=base)
        assert proc.returncode >= 0, f"mortar crashed (signal {-proc.returncode})"
        if check:
            assert proc.returncode == 0, proc.stderr.decode(errors="replace")
            assert rows(proc.stdout) == [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}]
        return proc
    return run


def signers():
    return {(akid, token) for _, _, akid, token in S3Stub.seen}


def test_environment_keys_with_session_token(cat):
    S3Stub.keys = {"ASIAENV": ("env-secret", "env-token")}
    cat({"AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token"})
    assert signers() == {("ASIAENV", "env-token")}


def test_wrong_secret_is_refused_by_the_signature_check(cat):
    S3Stub.keys = {"AKIAENV": ("right-secret", None)}
    proc = cat({"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "wrong"}, check=False)
    assert proc.returncode != 0 and "HTTP 403" in proc.stderr.decode()
    assert S3Stub.errors == ["SignatureDoesNotMatch"]  # HEAD: one attempt, 403 is not retried


def test_config_file_profile_with_region_and_credential_process(cat, tmp_path):
    script = tmp_path / "creds.py"
    script.write_text(textwrap.dedent(f"""\
        import json, sys
        assert sys.argv[1] == "--role", sys.argv
        print(json.dumps({{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "proc-secret",
                          "SessionToken": "proc-token", "Expiration": "{iso8601(3600)}"}}))
        """))
    config = tmp_path / "config"
    config.write_text(f"[default]\nregion = us-east-1\n[profile analytics]\nregion = eu-west-2\n"
                      f"credential_process = {sys.executable} {script} --role reader\n")
    S3Stub.keys = {"ASIAPROC": ("proc-secret", "proc-token")}
    S3Stub.region = "eu-west-2"  # the scope must carry the profile's region
    cat({"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "analytics"})
    assert signers() == {("ASIAPROC", "proc-token")}


def test_shared_credentials_file_beats_credential_process(cat, tmp_path):
    (tmp_path / "config").write_text("[profile p]\ncredential_process = /bin/false\n")
    (tmp_path / "credentials").write_text("[p]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n")
    S3Stub.keys = {"AKIAFILE": ("file-secret", None)}
    cat({"AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
         "AWS_PROFILE": "p"})
    assert signers() == {("AKIAFILE", None)}


def test_failing_credential_process_is_an_error(cat, tmp_path):
    (tmp_path / "config").write_text("[default]\ncredential_process = sh -c 'exit 7'\n")
    proc = cat({"AWS_CONFIG_FILE": str(tmp_path / "config")}, check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "credential_process" in err and "exit status 7" in err, err
    assert S3Stub.seen == [], "nothing may be sent without the credentials"


def test_container_full_uri_with_authorization_token(cat, stubs):
    ContainerEndpoint.credentials = {"AccessKeyId": "ASIACONT", "SecretAccessKey": "cont-secret",
                                     "Token": "cont-token", "Expiration": iso8601(3600)}
    S3Stub.keys = {"ASIACONT": ("cont-secret", "cont-token")}
    cat({"AWS_CONTAINER_CREDENTIALS_FULL_URI": stubs["container"] + "/v2/credentials/abc",
         "AWS_CONTAINER_AUTHORIZATION_TOKEN": ContainerEndpoint.token})
    assert signers() == {("ASIACONT", "cont-token")}
    assert ContainerEndpoint.seen == [("/v2/credentials/abc", ContainerEndpoint.token)]


def test_container_token_file_and_wrong_token(cat, stubs, tmp_path):
    ContainerEndpoint.credentials = {"AccessKeyId": "ASIACONT", "SecretAccessKey": "cont-secret",
                                     "Token": "cont-token", "Expiration": iso8601(3600)}
    S3Stub.keys = {"ASIACONT": ("cont-secret", "cont-token")}
    token_file = tmp_path / "token"
    token_file.write_text(ContainerEndpoint.token + "\n")
    cat({"AWS_CONTAINER_CREDENTIALS_FULL_URI": stubs["container"] + "/creds",
         "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)})
    assert ContainerEndpoint.seen[-1] == ("/creds", ContainerEndpoint.token)
    proc = cat({"AWS_CONTAINER_CREDENTIALS_FULL_URI": stubs["container"] + "/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"}, check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "container credentials endpoint" in err and "HTTP 401" in err, err


def test_container_full_uri_must_be_local_or_https(cat):
    proc = cat({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://198.51.100.7/creds"}, check=False)
    assert proc.returncode != 0 and "AWS_CONTAINER_CREDENTIALS_FULL_URI" in proc.stderr.decode()


def test_instance_metadata_v2(cat, stubs):
    cat({"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": stubs["imds"]})
    assert signers() == {("ASIAIMDS1", "imds-token-1")}
    role_path = "/latest/meta-data/iam/security-credentials/"
    assert Imds.seen == [("PUT", "/latest/api/token"), ("GET", role_path), ("GET", role_path + "mortar-role")]


def test_instance_metadata_disabled(cat, stubs):
    proc = cat({"AWS_EC2_METADATA_DISABLED": "true", "AWS_EC2_METADATA_SERVICE_ENDPOINT": stubs["imds"]},
               check=False)
    assert Imds.seen == []
    assert proc.returncode != 0 and "HTTP 403" in proc.stderr.decode()  # the stub refuses anonymous requests
    assert {akid for _, _, akid, _ in S3Stub.seen} == {None}


def test_credentials_near_expiration_are_refreshed_first(cat, stubs):
    # Each credential set expires in 2 minutes, inside the 5-minute refresh
    # window: every request fetches fresh ones (and is signed with them).
    Imds.lifetime = 120
    cat({"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": stubs["imds"]})
    assert len(S3Stub.seen) >= 2
    assert Imds.issued == len(S3Stub.seen) + 1  # one at chain resolution, one per request
    assert len(signers()) == len(S3Stub.seen)


def test_credentials_far_from_expiration_are_cached(cat, stubs):
    Imds.lifetime = 3600
    cat({"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": stubs["imds"]})
    assert len(S3Stub.seen) >= 2 and Imds.issued == 1
