"""`mortar serve --store-url postgresql://...`: the catalog lives in PostgreSQL
(a real server started for the test), served through boto3 like on SQLite;
the password never reaches the log, and libpq's PG* environment works."""
import pytest

from support.postgres import PostgresServer

PASSWORD = "Store-Secret-42"


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        server.sql(f"CREATE ROLE mortar LOGIN PASSWORD '{PASSWORD}';")
        server.sql("CREATE DATABASE glue OWNER mortar;")
        yield server


def test_catalog_is_served_from_postgresql(pg, start_server, tmp_path):
    url = f"postgresql://mortar:{PASSWORD}@127.0.0.1:{pg.port}/glue?sslmode=disable"
    srv = start_server("pgstore", extra_args=["--store-url", url, "--store-pool-size", "4"],
                       data_dir=tmp_path / "data")
    glue = srv.client()
    glue.create_database(DatabaseInput={"Name": "sales", "Description": "kept in postgres"})
    got = glue.get_database(Name="sales")["Database"]
    assert got["Name"] == "sales"
    assert got["Description"] == "kept in postgres"
    # The rows are PostgreSQL's, with microsecond times; no SQLite file was made.
    assert pg.sql("SELECT name FROM databases ORDER BY name;", database="glue").split() == ["sales"]
    micros = int(pg.sql("SELECT create_time FROM databases WHERE name = 'sales';", database="glue"))
    assert abs(micros / 1e6 - got["CreateTime"].timestamp()) < 1
    assert not (tmp_path / "data" / "catalog.db").exists()

    # Duplicate -> AlreadyExistsException, as on SQLite.
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_database(DatabaseInput={"Name": "sales"})

    # Restart with the password from the environment instead of the URL.
    assert srv.stop() == 0
    srv.extra_args = ["--store-url", f"postgresql://mortar@127.0.0.1:{pg.port}/glue"]
    srv.extra_env["PGPASSWORD"] = PASSWORD
    srv.start()
    assert srv.client().get_database(Name="sales")["Database"]["Description"] == "kept in postgres"
    assert PASSWORD not in srv.log_path.read_text(errors="replace")


def test_wrong_password_fails_to_start_without_echoing_it(pg, tmp_path):
    from support.server import MortarServer
    srv = MortarServer(tmp_path / "bad",
                       extra_args=["--store-url",
                                   f"postgresql://mortar:Wrong-Pw-77@127.0.0.1:{pg.port}/glue"])
    with pytest.raises(RuntimeError) as err:
        srv.start(timeout=30)
    log = srv.log_path.read_text(errors="replace")
    assert "authentication failed" in log
    assert "Wrong-Pw-77" not in log
    assert "Wrong-Pw-77" not in str(err.value)
