"""Glue API calls of the catalog code: GetTable / GetPartitions (paged) /
GetConnection through `_mortar.glue_call`, errors given their table's name."""
from awsglue._native import native


def _call(operation, request, catalog_id=None):
    if catalog_id:
        request = dict(request, CatalogId=catalog_id)
    return native().glue_call(operation, request)


def _with_context(error, context):
    """The same GlueServiceError (same code) with `context: ` before its message."""
    out = type(error)(f"{context}: {error.message}", error.code)
    out.operation = getattr(error, "operation", "")
    out.status_code = getattr(error, "status_code", "")
    return out


def _get_table(database, table_name, catalog_id=None, missing_ok=False):
    try:
        return _call("GetTable", {"DatabaseName": database, "Name": table_name},
                     catalog_id)["Table"]
    except native().GlueServiceError as e:
        if e.code == "EntityNotFoundException":
            if missing_ok:
                return None
            raise _with_context(e, f"catalog table {database}.{table_name}") from None
        raise


def _get_partitions(database, table_name, expression="", catalog_id=None):
    """Every partition the expression selects (all when empty), paging."""
    request = {"DatabaseName": database, "TableName": table_name, "MaxResults": 1000}
    if expression:
        request["Expression"] = expression
    out = []
    while True:
        reply = _call("GetPartitions", request, catalog_id)
        out.extend(reply.get("Partitions", []))
        token = reply.get("NextToken")
        if not token:
            return out
        request["NextToken"] = token


def get_connection(name, catalog_id=None):
    """The Glue Connection `name` (ConnectionProperties with the password)."""
    try:
        return _call("GetConnection", {"Name": name, "HidePassword": False},
                     catalog_id)["Connection"]
    except native().GlueServiceError as e:
        if e.code == "EntityNotFoundException":
            raise _with_context(e, f"catalog connection {name}") from None
        raise
