"""Two `mortar serve` processes on one PostgreSQL, as behind a load balancer:
they answer as the same account (only the first printed an admin key), a
NextToken one issued pages on the other, 8 clients through both doing
conflicting UpdateTable calls with a VersionId get exactly one winner per
version, and BatchCreatePartition races through both create each value once."""
import concurrent.futures
import threading

import pytest

from support.postgres import PostgresServer


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
