"""SearchTables: text across names, descriptions, columns and parameters;
filters; sorting; paging."""
import pytest

from support.catalog import table_input, unique


@pytest.fixture(scope="module")
def search_db(glue):
    db = unique("search")
    token = unique("zq")  # a word no other test uses
    glue.create_database(DatabaseInput={"Name": db})
    glue.create_table(DatabaseName=db, TableInput=table_input(f"{token}_by_name"))
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "by_description", description=f"holds {token} rows"))
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "by_column", cols=(("id", "bigint"), (f"{token}_col", "string"))))
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "by_parameter", parameters={"source": f"feed-{token}"}))
    glue.create_table(DatabaseName=db, TableInput=table_input("unrelated"))
    for i in range(7):
        glue.create_table(DatabaseName=db, TableInput=table_input(
            f"many_{i}", description=f"{token} bulk"))
    yield db, token
    glue.delete_database(Name=db)


def _search_all(glue, **kwargs):
    items, token, seen_tokens = [], None, set()
    while True:
        if token:
            kwargs["NextToken"] = token
        resp = glue.search_tables(**kwargs)
        items += resp["TableList"]
        token = resp.get("NextToken")
        if not token:
            return items
        assert token not in seen_tokens, "SearchTables repeated a NextToken"
        seen_tokens.add(token)


def test_search_text_matches_name_description_column_parameter(glue, search_db):
    db, token = search_db
    names = sorted(t["Name"] for t in _search_all(glue, SearchText=token))
    assert names == sorted([f"{token}_by_name", "by_description", "by_column", "by_parameter"]
                           + [f"many_{i}" for i in range(7)])
    for t in _search_all(glue, SearchText=token):
        assert t["DatabaseName"] == db


def test_search_filter_by_database_and_sort(glue, search_db):
    db, token = search_db
    tables = _search_all(glue, Filters=[{"Key": "DatabaseName", "Value": db}],
                         SortCriteria=[{"FieldName": "Name", "Sort": "DESC"}])
    names = [t["Name"] for t in tables]
    assert len(names) == 12
    assert names == sorted(names, reverse=True)
    asc = [t["Name"] for t in _search_all(glue, Filters=[{"Key": "DatabaseName", "Value": db}],
                                          SortCriteria=[{"FieldName": "Name", "Sort": "ASC"}])]
    assert asc == sorted(names)


def test_search_pages_without_repeats(glue, search_db):
    db, token = search_db
    names = [t["Name"] for t in _search_all(glue, SearchText=token, MaxResults=2)]
    assert len(names) == 11 and len(set(names)) == 11


def test_search_with_no_match_is_empty(glue, search_db):
    assert glue.search_tables(SearchText=unique("nothing"))["TableList"] == []
