"""User-defined functions: Create/Get/GetUserDefinedFunctions/Update/Delete."""
import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, unique


def _fn(name, cls="com.example.udf.Upper"):
    return {"FunctionName": name, "ClassName": cls, "OwnerName": "etl", "OwnerType": "USER",
            "ResourceUris": [{"ResourceType": "JAR", "Uri": "file:///jars/udf.jar"}]}


def test_udf_lifecycle(glue, db):
    glue.create_user_defined_function(DatabaseName=db, FunctionInput=_fn("upper_x"))
    f = glue.get_user_defined_function(DatabaseName=db, FunctionName="upper_x")[
        "UserDefinedFunction"]
    assert f["FunctionName"] == "upper_x"
    assert f["ClassName"] == "com.example.udf.Upper"
    assert f["OwnerType"] == "USER"
    assert f["ResourceUris"] == [{"ResourceType": "JAR", "Uri": "file:///jars/udf.jar"}]
    assert f.get("DatabaseName") == db
    assert "CreateTime" in f
    glue.update_user_defined_function(DatabaseName=db, FunctionName="upper_x",
                                      FunctionInput=_fn("upper_x", cls="com.example.udf.Upper2"))
    f = glue.get_user_defined_function(DatabaseName=db, FunctionName="upper_x")[
        "UserDefinedFunction"]
    assert f["ClassName"] == "com.example.udf.Upper2"
    glue.delete_user_defined_function(DatabaseName=db, FunctionName="upper_x")
    with pytest.raises(ClientError) as exc:
        glue.get_user_defined_function(DatabaseName=db, FunctionName="upper_x")
    assert error_code(exc) == "EntityNotFoundException"


def test_udf_errors(glue, db):
    glue.create_user_defined_function(DatabaseName=db, FunctionInput=_fn("f1"))
    with pytest.raises(ClientError) as exc:
        glue.create_user_defined_function(DatabaseName=db, FunctionInput=_fn("f1"))
    assert error_code(exc) == "AlreadyExistsException"
    with pytest.raises(ClientError) as exc:
        glue.create_user_defined_function(DatabaseName=unique("nodb"), FunctionInput=_fn("f2"))
    assert error_code(exc) == "EntityNotFoundException"
    for call in (lambda: glue.update_user_defined_function(
                     DatabaseName=db, FunctionName="nope", FunctionInput=_fn("nope")),
                 lambda: glue.delete_user_defined_function(DatabaseName=db, FunctionName="nope")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "EntityNotFoundException"


def test_get_user_defined_functions_pattern_and_paging(glue, db):
    for i in range(12):
        glue.create_user_defined_function(DatabaseName=db, FunctionInput=_fn(f"fmt_{i:02d}"))
    glue.create_user_defined_function(DatabaseName=db, FunctionInput=_fn("other"))
    pages = glue.get_paginator("get_user_defined_functions").paginate(
        DatabaseName=db, Pattern="fmt_.*", PaginationConfig={"PageSize": 5})
    names = [f["FunctionName"] for f in pages.build_full_result()["UserDefinedFunctions"]]
    assert sorted(names) == [f"fmt_{i:02d}" for i in range(12)]
    everything = glue.get_paginator("get_user_defined_functions").paginate(
        DatabaseName=db, Pattern=".*").build_full_result()["UserDefinedFunctions"]
    assert len(everything) == 13
