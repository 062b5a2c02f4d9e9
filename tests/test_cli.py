"""The aws CLI v2 (Debian's awscli) against Mortar: the README's quickstart
flow, paging, and error reporting."""
import json

import pytest

from support.catalog import unique
from support.cli import run_aws


def test_quickstart_flow(server):
    db = unique("cli")
    run_aws(server, "glue", "create-database", "--database-input",
            json.dumps({"Name": db, "Description": "from the CLI"}))
    got = run_aws(server, "glue", "get-database", "--name", db)
    assert got["Database"]["Name"] == db
    assert got["Database"]["Description"] == "from the CLI"

    table = {
        "Name": "sales",
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}],
            "Location": "file:///data/sales",
        },
        "PartitionKeys": [{"Name": "year", "Type": "int"}, {"Name": "country", "Type": "string"}],
        "TableType": "EXTERNAL_TABLE",
    }
    run_aws(server, "glue", "create-table", "--database-name", db,
            "--table-input", json.dumps(table))
    got = run_aws(server, "glue", "get-table", "--database-name", db, "--name", "sales")
    assert [c["Name"] for c in got["Table"]["StorageDescriptor"]["Columns"]] == ["id", "amount"]
    assert isinstance(got["Table"]["CreateTime"], str)  # the CLI parsed the epoch number

    tables = run_aws(server, "glue", "get-tables", "--database-name", db)
    assert [t["Name"] for t in tables["TableList"]] == ["sales"]

    partitions = [{"Values": [str(y), c], "StorageDescriptor": {
        "Location": f"file:///data/sales/year={y}/country={c}"}}
        for y in (2022, 2023, 2024) for c in ("de", "fr")]
    resp = run_aws(server, "glue", "batch-create-partition", "--database-name", db,
                   "--table-name", "sales", "--partition-input-list", json.dumps(partitions))
    assert not (resp or {}).get("Errors")

    got = run_aws(server, "glue", "get-partitions", "--database-name", db, "--table-name", "sales",
                  "--expression", "year >= 2023 AND country = 'fr'")
    assert sorted(tuple(p["Values"]) for p in got["Partitions"]) == [("2023", "fr"), ("2024", "fr")]

    run_aws(server, "glue", "delete-database", "--name", db)
    code, _, err = run_aws(server, "glue", "get-database", "--name", db, check=False)
    assert code != 0 and "EntityNotFoundException" in err


def test_cli_auto_paginates_get_tables(server, glue, db):
    for i in range(25):
        glue.create_table(DatabaseName=db, TableInput={"Name": f"t{i:02d}"})
    got = run_aws(server, "glue", "get-tables", "--database-name", db, "--page-size", "7")
    names = [t["Name"] for t in got["TableList"]]
    assert sorted(names) == [f"t{i:02d}" for i in range(25)]


@pytest.mark.parametrize("args,exception", [
    (["glue", "get-table", "--database-name", "no_such_db_cli", "--name", "x"],
     "EntityNotFoundException"),
    (["glue", "list-ml-transforms"], "UnknownOperationException"),
])
def test_cli_reports_the_exception_name(server, args, exception):
    code, _, err = run_aws(server, *args, check=False)
    assert code != 0
    assert exception in err


def test_cli_with_wrong_secret_fails_with_signature_error(server):
    from support.server import Credentials
    bad = Credentials(server.credentials.access_key, "wrong" * 8)
    code, _, err = run_aws(server, "glue", "get-databases", credentials=bad, check=False)
    assert code != 0
    assert "InvalidSignatureException" in err
