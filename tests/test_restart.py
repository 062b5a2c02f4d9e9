"""Crash safety: write tables from a thread, SIGKILL the server mid-load,
restart on the same data dir. Every acknowledged write is there, complete;
an unacknowledged in-flight write is either fully there or absent."""
import threading

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from support.catalog import partition_input, table_input
from support.server import wait_for

DB = "crashdb"


def _expected_input(i):
    return table_input(f"t{i:05d}", cols=[(f"c{j}", "string") for j in range(20)],
                       partition_keys=(("dt", "string"),), description=f"table number {i}",
                       parameters={"n": str(i), "blob": "x" * 2000})


def _check_table(table, i):
    ti = _expected_input(i)
    assert table["Description"] == ti["Description"]
    assert table["Parameters"] == ti["Parameters"]
    assert table["StorageDescriptor"]["Columns"] == ti["StorageDescriptor"]["Columns"]
    assert table["PartitionKeys"] == ti["PartitionKeys"]


@pytest.mark.parametrize("round_no", range(2))
def test_sigkill_mid_load_loses_no_acknowledged_write(start_server, tmp_path, round_no):
    srv = start_server(f"crash{round_no}")
    glue = srv.client()
    glue.create_database(DatabaseInput={"Name": DB})

    acked_tables, acked_partitions = [], []
    attempted = []
    stop = threading.Event()

    def writer(worker):
        client = srv.client()
        i = worker
        while not stop.is_set():
            attempted.append(i)
            try:
                client.create_table(DatabaseName=DB, TableInput=_expected_input(i))
                acked_tables.append(i)
                client.batch_create_partition(
                    DatabaseName=DB, TableName=f"t{i:05d}",
                    PartitionInputList=[partition_input([f"d{k}"]) for k in range(10)])
                acked_partitions.append(i)
            except (BotoCoreError, ClientError, OSError):
                return  # the server is gone
            i += 4

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    try:
        wait_for(lambda: len(acked_partitions) >= 150, 120, "150 acknowledged writes")
    finally:
        srv.kill()
        stop.set()
        for t in threads:
            t.join()
    acked_t, acked_p = set(acked_tables), set(acked_partitions)

    srv.start()
    glue = srv.client()
    tables = glue.get_paginator("get_tables").paginate(DatabaseName=DB).build_full_result()[
        "TableList"]
    present = {int(t["Name"][1:]): t for t in tables}
    missing = acked_t - set(present)
    assert not missing, f"acknowledged tables lost: {sorted(missing)[:20]}"
    assert set(present) <= set(attempted), "tables appeared that nobody wrote"
    for i, table in present.items():
        _check_table(table, i)  # complete, never half-written
        parts = glue.get_partitions(DatabaseName=DB, TableName=table["Name"])["Partitions"]
        if i in acked_p:
            assert len(parts) == 10, f"t{i:05d}: {len(parts)} of 10 acknowledged partitions"
        else:
            assert len(parts) in (0, 10), f"t{i:05d}: a batch was half applied ({len(parts)})"
    # The restarted server keeps working normally.
    glue.create_table(DatabaseName=DB, TableInput=_expected_input(99999))
    _check_table(glue.get_table(DatabaseName=DB, Name="t99999")["Table"], 99999)
    assert srv.stop() == 0
