"""Table versions (GetTableVersion(s)/DeleteTableVersion/BatchDeleteTableVersion),
SkipArchive, and UpdateTable's VersionId optimistic concurrency."""
import threading

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, table_input


def _versions(glue, db, table):
    pages = glue.get_paginator("get_table_versions").paginate(DatabaseName=db, TableName=table)
    return pages.build_full_result()["TableVersions"]


def test_updates_archive_previous_versions(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("t", description="v1"))
    for d in ("v2", "v3", "v4"):
        glue.update_table(DatabaseName=db, TableInput=table_input("t", description=d))
    versions = _versions(glue, db, "t")
    ids = [v["VersionId"] for v in versions]
    assert len(ids) == 4 and len(set(ids)) == 4
    by_desc = {v["Table"]["Description"]: v["VersionId"] for v in versions}
    assert set(by_desc) == {"v1", "v2", "v3", "v4"}
    current = glue.get_table(DatabaseName=db, Name="t")["Table"]
    assert current["Description"] == "v4"
    assert current["VersionId"] == by_desc["v4"]
    # Each version can be fetched on its own and holds that version's definition.
    old = glue.get_table_version(DatabaseName=db, TableName="t", VersionId=by_desc["v2"])
    assert old["TableVersion"]["VersionId"] == by_desc["v2"]
    assert old["TableVersion"]["Table"]["Description"] == "v2"


def test_skip_archive_replaces_without_new_version(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("t", description="v1"))
    glue.update_table(DatabaseName=db, TableInput=table_input("t", description="v2"))
    assert len(_versions(glue, db, "t")) == 2
    glue.update_table(DatabaseName=db, TableInput=table_input("t", description="v3"),
                      SkipArchive=True)
    versions = _versions(glue, db, "t")
    assert len(versions) == 2
    descs = sorted(v["Table"]["Description"] for v in versions)
    assert descs == ["v1", "v3"]


def test_delete_table_version_and_batch_delete_errors(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("t", description="v1"))
    for d in ("v2", "v3", "v4"):
        glue.update_table(DatabaseName=db, TableInput=table_input("t", description=d))
    by_desc = {v["Table"]["Description"]: v["VersionId"] for v in _versions(glue, db, "t")}
    glue.delete_table_version(DatabaseName=db, TableName="t", VersionId=by_desc["v1"])
    # AWS's wording for a missing version, whether fetched or deleted.
    for call in (glue.get_table_version, glue.delete_table_version):
        with pytest.raises(ClientError) as exc:
            call(DatabaseName=db, TableName="t", VersionId=by_desc["v1"])
        assert error_code(exc) == "EntityNotFoundException"
        assert exc.value.response["Error"]["Message"] == "Version not found."
    resp = glue.batch_delete_table_version(
        DatabaseName=db, TableName="t", VersionIds=[by_desc["v2"], "987654", by_desc["v3"]])
    errors = resp.get("Errors", [])
    assert [e["VersionId"] for e in errors] == ["987654"]
    assert errors[0]["ErrorDetail"] == {"ErrorCode": "EntityNotFoundException",
                                        "ErrorMessage": "Version not found."}
    remaining = {v["Table"]["Description"] for v in _versions(glue, db, "t")}
    assert remaining == {"v4"}


def test_version_ops_on_missing_table(glue, db):
    for call in (lambda: glue.get_table_versions(DatabaseName=db, TableName="nope"),
                 lambda: glue.get_table_version(DatabaseName=db, TableName="nope", VersionId="1")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "EntityNotFoundException"


def test_non_numeric_version_id_is_invalid_input(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("t", description="v1"))
    glue.update_table(DatabaseName=db, TableInput=table_input("t", description="v2"))
    for call in (glue.get_table_version, glue.delete_table_version):
        with pytest.raises(ClientError) as exc:
            call(DatabaseName=db, TableName="t", VersionId="abc")
        assert error_code(exc) == "InvalidInputException"
        assert "abc" in exc.value.response["Error"]["Message"]
    errors = glue.batch_delete_table_version(DatabaseName=db, TableName="t",
                                             VersionIds=["x1"])["Errors"]
    assert [e["ErrorDetail"]["ErrorCode"] for e in errors] == ["InvalidInputException"]
    assert len(_versions(glue, db, "t")) == 2


def test_stale_version_id_is_concurrent_modification(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("t", description="v1"))
    v1 = glue.get_table(DatabaseName=db, Name="t")["Table"]["VersionId"]
    glue.update_table(DatabaseName=db, TableInput=table_input("t", description="v2"), VersionId=v1)
    v2 = glue.get_table(DatabaseName=db, Name="t")["Table"]["VersionId"]
    assert v2 != v1
    with pytest.raises(ClientError) as exc:
        glue.update_table(DatabaseName=db, TableInput=table_input("t", description="lost"),
                          VersionId=v1)
    assert error_code(exc) == "ConcurrentModificationException"
    assert glue.get_table(DatabaseName=db, Name="t")["Table"]["Description"] == "v2"


@pytest.mark.parametrize("writers", [8])
def test_concurrent_updates_with_same_version_id_exactly_one_wins(server, glue, db, writers):
    """N threads race UpdateTable with the same VersionId, as Iceberg commits do."""
    glue.create_table(DatabaseName=db, TableInput=table_input("race", description="base"))
    for round_no in range(5):
        base = glue.get_table(DatabaseName=db, Name="race")["Table"]["VersionId"]
        clients = [server.client() for _ in range(writers)]
        barrier = threading.Barrier(writers)
        outcomes = [None] * writers

        def writer(i):
            barrier.wait()
            try:
                clients[i].update_table(
                    DatabaseName=db, VersionId=base,
                    TableInput=table_input("race", description=f"r{round_no}w{i}"))
                outcomes[i] = "ok"
            except ClientError as exc:
                outcomes[i] = error_code(exc)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outcomes.count("ok") == 1, outcomes
        assert outcomes.count("ConcurrentModificationException") == writers - 1, outcomes
        winner = outcomes.index("ok")
        current = glue.get_table(DatabaseName=db, Name="race")["Table"]
        assert current["Description"] == f"r{round_no}w{winner}"
        assert current["VersionId"] != base
    # Every round archived exactly one version: base + 5 winners.
    assert len(_versions(glue, db, "race")) == 6
