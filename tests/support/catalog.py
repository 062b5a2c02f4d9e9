"""Builders for catalog inputs shaped as botocore's Glue model wants them."""
import uuid


def unique(prefix="t"):
    """A fresh lower-case catalog name (Glue lower-cases names)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def columns(*specs):
    """columns(("id", "bigint"), ("name", "string")) -> Glue Column list."""
    return [{"Name": name, "Type": typ} for name, typ in specs]


def table_input(name, cols=(("id", "bigint"), ("name", "string")), partition_keys=(),
                location=None, description=None, parameters=None, table_type="EXTERNAL_TABLE"):
    ti = {
        "Name": name,
        "TableType": table_type,
        "StorageDescriptor": {
            "Columns": columns(*cols),
            "Location": location or f"file:///data/{name}",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                "Parameters": {"field.delim": ","},
            },
        },
        "PartitionKeys": columns(*partition_keys),
        "Parameters": dict(parameters or {"classification": "csv"}),
    }
    if description is not None:
        ti["Description"] = description
    return ti


def partition_input(values, location=None, parameters=None):
    return {
        "Values": [str(v) for v in values],
        "StorageDescriptor": {
            "Columns": columns(("id", "bigint"), ("name", "string")),
            "Location": location or "file:///data/p/" + "/".join(str(v) for v in values),
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"},
        },
        "Parameters": dict(parameters or {}),
    }


def error_code(exc_info):
    """The Glue exception name of a botocore ClientError (pytest.raises info or exception)."""
    exc = getattr(exc_info, "value", exc_info)
    return exc.response["Error"]["Code"]
