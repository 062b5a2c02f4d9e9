"""`mortar admin`: accounts and access keys (create/list/revoke) and the audit
trail, run against the data dir of a live server."""
import re
import subprocess

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, table_input, unique
from support.server import Credentials, mortar_bin


def admin(srv, *args, check=True):
    proc = subprocess.run([mortar_bin(), "admin", "--data-dir", str(srv.data_dir), *args],
                          capture_output=True, text=True, timeout=60, env=srv.cli_env())
    if check:
        assert proc.returncode == 0, f"mortar admin {' '.join(args)}: {proc.stderr}"
    return proc


def create_account(srv, name, account_id=None):
    args = ["accounts", "create", "--name", name] + (["--id", account_id] if account_id else [])
    out = admin(srv, *args).stdout.strip()
    assert re.fullmatch(r"\d{12}", out), out
    return out


def create_key(srv, account, user):
    out = admin(srv, "keys", "create", "--account", account, "--user", user).stdout
    fields = dict(re.findall(r"^(aws_access_key_id|aws_secret_access_key)\s*=\s*(\S+)\s*$", out,
                             re.M))
    return Credentials(fields["aws_access_key_id"], fields["aws_secret_access_key"])


@pytest.fixture(scope="module")
def srv(start_server):
    return start_server("admin")


def test_accounts_create_and_list(srv):
    random_id = create_account(srv, "analytics")
    chosen = create_account(srv, "finance", "210987654321")
    assert chosen == "210987654321" and random_id != chosen
    listing = admin(srv, "accounts", "list").stdout
    assert re.search(rf"^{random_id}\s.*analytics\s*$", listing, re.M), listing
    assert re.search(r"^210987654321\s.*finance\s*$", listing, re.M), listing
    dup = admin(srv, "accounts", "create", "--name", "again", "--id", "210987654321", check=False)
    assert dup.returncode != 0 and dup.stderr.strip()


def test_new_account_key_works_and_catalogs_are_isolated(srv):
    other = create_account(srv, "tenant")
    creds = create_key(srv, other, "alice")
    tenant = srv.client(credentials=creds)
    admin_client = srv.client()
    name = unique("tenantdb")
    tenant.create_database(DatabaseInput={"Name": name})
    assert tenant.get_database(Name=name)["Database"]["CatalogId"] == other
    # The default account does not see the tenant's database, and may not ask for it.
    with pytest.raises(ClientError) as exc:
        admin_client.get_database(Name=name)
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        admin_client.get_database(CatalogId=other, Name=name)
    assert error_code(exc) == "AccessDeniedException"
    # Listing and search see only the caller's own catalog.
    assert name not in [d["Name"] for d in admin_client.get_databases()["DatabaseList"]]
    tenant.create_table(DatabaseName=name, TableInput=table_input(f"{name}_secret"))
    assert admin_client.search_tables(SearchText=f"{name}_secret")["TableList"] == []
    assert [t["Name"] for t in tenant.search_tables(SearchText=f"{name}_secret")["TableList"]] \
        == [f"{name}_secret"]
    # The same name can exist in both catalogs independently.
    admin_client.create_database(DatabaseInput={"Name": name, "Description": "default's"})
    assert "Description" not in tenant.get_database(Name=name)["Database"]


def test_keys_list_and_revoke(srv):
    account = create_account(srv, "revocable")
    creds = create_key(srv, account, "bob")
    client = srv.client(credentials=creds)
    client.get_databases()
    listing = admin(srv, "keys", "list").stdout
    line = next(l for l in listing.splitlines() if creds.access_key in l)
    assert account in line and "active" in line and "bob" in line
    assert creds.secret_key not in listing, "keys list must not print secrets"
    admin(srv, "keys", "revoke", creds.access_key)
    line = next(l for l in admin(srv, "keys", "list", "--account", account).stdout.splitlines()
                if creds.access_key in l)
    assert "revoked" in line
    with pytest.raises(ClientError) as exc:
        client.get_databases()
    assert error_code(exc) == "UnrecognizedClientException"
    srv.client().get_databases()  # other keys still work


def test_admin_errors_exit_nonzero(srv):
    bad = admin(srv, "keys", "create", "--account", "000000000000", "--user", "x", check=False)
    assert bad.returncode != 0 and bad.stderr.strip()
    bad = admin(srv, "keys", "revoke", "AKIANOSUCHKEY0000000", check=False)
    assert bad.returncode != 0 and bad.stderr.strip()
    bad = admin(srv, "frobnicate", check=False)
    assert bad.returncode != 0


def test_audit_shows_mutations_with_principal_and_outcome(srv):
    glue = srv.client()
    db = unique("audited")
    glue.create_database(DatabaseInput={"Name": db})
    glue.create_table(DatabaseName=db, TableInput=table_input("t"))
    glue.get_table(DatabaseName=db, Name="t")  # a read: not audited
    with pytest.raises(ClientError):
        glue.create_database(DatabaseInput={"Name": db})
    glue.delete_table(DatabaseName=db, Name="t")
    lines = [l for l in admin(srv, "audit", "--limit", "1000").stdout.splitlines() if db in l]
    ops = [next(op for op in ("CreateDatabase", "CreateTable", "DeleteTable", "GetTable")
                if op in l) for l in lines]
    assert sorted(ops) == sorted(["CreateDatabase", "CreateTable", "CreateDatabase",
                                  "DeleteTable"]), lines
    assert sum("AlreadyExistsException" in l for l in lines) == 1
    assert sum(" OK " in f" {l} " for l in lines) == 3
    # Newest first.
    assert "DeleteTable" in lines[0]
    assert all("root" in l or ":user/" in l for l in lines), lines
    assert len(admin(srv, "audit", "--limit", "2").stdout.strip().splitlines()) == 2
