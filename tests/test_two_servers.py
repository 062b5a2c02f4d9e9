"""Two `mortar serve` processes on one PostgreSQL, as behind a load balancer:
they answer as the same account (only the first printed an admin key), a
NextToken one issued pages on the other, 8 clients through both doing
conflicting UpdateTable calls with a VersionId get exactly one winner per
version, BatchCreatePartition races through both create each value once, and
what one server acknowledged (a table update or delete, a revoked key) the
other answers at once."""
import concurrent.futures
import re
import subprocess
import threading

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code
from support.postgres import PostgresServer
from support.server import Credentials, mortar_bin


@pytest.fixture(scope="module")
def pg():
    with PostgresServer(max_connections=100) as server:
        server.sql("CREATE DATABASE two;")
        yield server


@pytest.fixture(scope="module")
def servers(pg, tmp_path_factory):
    from support.server import MortarServer
    url = f"postgresql://postgres:{pg.password}@127.0.0.1:{pg.port}/two"
    started = []
    for name in ("a", "b"):
        srv = MortarServer(tmp_path_factory.mktemp(f"two_{name}"), store_url=url)
        started.append(srv.start())
    yield started
    for srv in started:
        assert srv.stop() == 0, srv.log_tail()


def test_servers_share_the_account_and_the_paging_key(servers):
    a, b = servers
    # The first server created the account and its admin key; the second
    # found both in the store and made no key of its own.
    assert (a.data_dir / "credentials").exists()
    assert not (b.data_dir / "credentials").exists()
    assert (a.data_dir / "default_account_id").read_text() == \
        (b.data_dir / "default_account_id").read_text()
    glue_a = a.client()
    glue_b = b.client(credentials=a.credentials)
    glue_a.create_database(DatabaseInput={"Name": "paging"})
    for i in range(5):
        glue_a.create_table(DatabaseName="paging", TableInput={"Name": f"t{i}"})
    first = glue_a.get_tables(DatabaseName="paging", MaxResults=2)
    names = [t["Name"] for t in first["TableList"]]
    token = first["NextToken"]
    while token:  # every later page through the other server
        page = glue_b.get_tables(DatabaseName="paging", MaxResults=2, NextToken=token)
        names += [t["Name"] for t in page["TableList"]]
        token = page.get("NextToken")
    assert names == [f"t{i}" for i in range(5)]


def test_conflicting_version_updates_have_one_winner_per_version(servers):
    a, b = servers
    creds = a.credentials
    clients = [srv.client(credentials=creds) for srv in (a, b)]
    clients[0].create_database(DatabaseInput={"Name": "race"})
    clients[0].create_table(DatabaseName="race", TableInput={"Name": "t"})
    winners = {}
    lock = threading.Lock()

    def update(worker, version, barrier):
        glue = clients[worker % 2]
        barrier.wait()
        try:
            glue.update_table(DatabaseName="race", VersionId=version,
                              TableInput={"Name": "t", "Description": f"w{worker}"})
        except glue.exceptions.ConcurrentModificationException:
            return
        with lock:
            winners.setdefault(version, []).append(worker)

    for _ in range(5):
        version = clients[0].get_table(DatabaseName="race", Name="t")["Table"]["VersionId"]
        barrier = threading.Barrier(8)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda w: update(w, version, barrier), range(8)))
        assert len(winners.get(version, [])) == 1, winners
    final = clients[1].get_table(DatabaseName="race", Name="t")["Table"]
    assert final["VersionId"] == str(int(version) + 1)
    versions = clients[1].get_table_versions(DatabaseName="race", TableName="t")["TableVersions"]
    assert sorted(int(v["VersionId"]) for v in versions) == \
        list(range(0, int(final["VersionId"]) + 1))


def test_batch_create_partition_races_create_each_value_once(servers):
    a, b = servers
    creds = a.credentials
    clients = [srv.client(credentials=creds) for srv in (a, b)]
    clients[0].create_database(DatabaseInput={"Name": "parts"})
    clients[0].create_table(DatabaseName="parts", TableInput={
        "Name": "t", "PartitionKeys": [{"Name": "d", "Type": "string"}],
        "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "int"}]}})
    values = [f"v{i:03d}" for i in range(60)]
    barrier = threading.Barrier(8)

    def create(worker):
        glue = clients[worker % 2]
        barrier.wait()
        out = glue.batch_create_partition(
            DatabaseName="parts", TableName="t",
            PartitionInputList=[{"Values": [v]} for v in values])
        return {e["PartitionValues"][0] for e in out.get("Errors", [])
                if e["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException"}

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        refused = list(pool.map(create, range(8)))
    # Each value was created by exactly one of the 8 calls: refused by the other 7.
    for v in values:
        assert sum(v in r for r in refused) == 7, v
    got = clients[1].get_partitions(DatabaseName="parts", TableName="t")["Partitions"]
    assert sorted(p["Values"][0] for p in got) == values


def test_what_one_server_acknowledged_the_other_answers_at_once(servers):
    a, b = servers
    glue_a = a.client()
    glue_b = b.client(credentials=a.credentials)
    glue_a.create_database(DatabaseInput={"Name": "fresh"})
    glue_a.create_table(DatabaseName="fresh", TableInput={"Name": "t", "Description": "v1"})
    assert glue_b.get_table(DatabaseName="fresh", Name="t")["Table"]["Description"] == "v1"
    for i in range(2, 6):
        glue_a.update_table(DatabaseName="fresh", TableInput={"Name": "t", "Description": f"v{i}"})
        assert glue_b.get_table(DatabaseName="fresh", Name="t")["Table"]["Description"] == f"v{i}"
    glue_b.delete_table(DatabaseName="fresh", Name="t")
    with pytest.raises(ClientError) as exc:
        glue_a.get_table(DatabaseName="fresh", Name="t")
    assert error_code(exc) == "EntityNotFoundException"

    def admin(*args):
        proc = subprocess.run([mortar_bin(), "admin", "--data-dir", str(a.data_dir), *args],
                              capture_output=True, text=True, timeout=60, env=a.cli_env())
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    account = admin("accounts", "create", "--name", "fresh").strip()
    out = admin("keys", "create", "--account", account, "--user", "carol")
    fields = dict(re.findall(r"^(aws_access_key_id|aws_secret_access_key)\s*=\s*(\S+)\s*$",
                             out, re.M))
    creds = Credentials(fields["aws_access_key_id"], fields["aws_secret_access_key"])
    clients = [srv.client(credentials=creds) for srv in (a, b)]
    for glue in clients:
        glue.get_databases()
    admin("keys", "revoke", creds.access_key)
    for glue in clients:
        with pytest.raises(ClientError) as exc:
            glue.get_databases()
        assert error_code(exc) == "UnrecognizedClientException"
