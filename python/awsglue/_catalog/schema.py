"""Frame schemas and catalog types: a frame schema dict as a Glue/Hive type
string (catalog_type), catalog type strings parsed for navigation, and the
match_catalog cast specs."""
from awsglue._catalog.api import _get_table

_PRIMITIVE = {"string": "string", "long": "bigint", "int": "int", "short": "smallint",
              "byte": "tinyint", "boolean": "boolean", "double": "double", "float": "float",
              "date": "date", "timestamp": "timestamp", "binary": "binary", "null": "string"}
_NUMERIC_RANK = ["byte", "short", "int", "long", "float", "double"]


def catalog_type(t):
    """A frame schema dict -> its Glue/Hive type string (choices: the widest
    numeric alternative, else string)."""
    kind = t["type"]
    if kind in _PRIMITIVE:
        return _PRIMITIVE[kind]
    if kind == "decimal":
        return f"decimal({t['precision']},{t['scale']})"
    if kind == "array":
        return f"array<{catalog_type(t['element'])}>"
    if kind == "map":
        return f"map<{catalog_type(t['key'])},{catalog_type(t['value'])}>"
    if kind == "struct":
        fields = ",".join(f"{f['name']}:{catalog_type(f['type'])}" for f in t["fields"])
        return f"struct<{fields}>"
    if kind == "choice":
        alts = [a for a in t["alternatives"] if a["type"] != "null"]
        if alts and all(a["type"] in _NUMERIC_RANK for a in alts):
            return _PRIMITIVE[max((a["type"] for a in alts), key=_NUMERIC_RANK.index)]
        if len(alts) == 1:
            return catalog_type(alts[0])
        return "string"
    raise ValueError(f"no catalog type for schema type {kind!r}")


def _split_top(text, sep=","):
    """Splits at `sep` outside <...> and (...)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _parse_type(text):
    """A catalog type string -> (kind, text, children): struct children are
    [(name, node)], array [node], map [key, value]."""
    text = text.strip()
    lower = text.lower()
    if lower.startswith("struct<") and text.endswith(">"):
        fields = []
        body = text[len("struct<"):-1]
        for part in _split_top(body) if body.strip() else []:
            name, _, ftype = part.partition(":")
            fields.append((name.strip().strip("`"), _parse_type(ftype)))
        return ("struct", text, fields)
    if lower.startswith("array<") and text.endswith(">"):
        return ("array", text, [_parse_type(text[len("array<"):-1])])
    if lower.startswith("map<") and text.endswith(">"):
        kv = _split_top(text[len("map<"):-1])
        if len(kv) == 2:
            return ("map", text, [_parse_type(kv[0]), _parse_type(kv[1])])
    return ("primitive", text, [])


def _quote(name):
    return f"`{name}`" if "." in name else name


def _choice_specs(schema, node, path, out):
    """(path, cast:<type>) for each choice in `schema` that `node` types."""
    if schema["type"] == "choice":
        out.append((path, f"cast:{node[1]}"))
        return
    if schema["type"] == "struct" and node[0] == "struct":
        by_name = {n.lower(): child for n, child in node[2]}
        for field in schema["fields"]:
            child = by_name.get(field["name"].lower())
            if child is not None:
                sub = _quote(field["name"])
                _choice_specs(field["type"], child, f"{path}.{sub}" if path else sub, out)
    elif schema["type"] == "array" and node[0] == "array":
        _choice_specs(schema["element"], node[2][0], f"{path}[]", out)


def match_catalog_specs(frame_schema, database, table_name, catalog_id=None):
    """resolveChoice(choice="match_catalog"): a cast to the catalog's type for
    every choice in the frame that the table has a column for."""
    table = _get_table(database, table_name, catalog_id)
    sd = table.get("StorageDescriptor") or {}
    columns = list(sd.get("Columns") or []) + list(table.get("PartitionKeys") or [])
    node = ("struct", "", [(c["Name"], _parse_type(c.get("Type") or "string"))
                           for c in columns])
    specs = []
    _choice_specs(frame_schema, node, "", specs)
    return specs


def _columns(frame_schema, partition_keys):
    keys = {k.lower() for k in partition_keys}
    return [{"Name": f["name"], "Type": catalog_type(f["type"])}
            for f in frame_schema.get("fields", []) if f["name"].lower() not in keys]
