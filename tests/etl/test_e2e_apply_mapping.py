"""End to end: ApplyMapping into nested structs. JSON Lines of flat customer
records are mapped by a Glue script (run with `mortar run`) onto dotted
targets, which build structs; the JSON output is read back and compared."""
import glob
import json
import os

SCRIPT = """
import sys
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glueContext = GlueContext(SparkContext.getOrCreate())
customers = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]], "recurse": True},
    format="json")
mapped = ApplyMapping.apply(frame=customers, mappings=[
    ("id", "string", "id", "long"),
    ("First", "string", "name.first", "string"),       # source names match case-insensitively
    ("last", "string", "name.last", "string"),
    ("street", "string", "address.street", "string"),
    ("city", "string", "address.city", "string"),
    ("`zip.code`", "string", "address.zip", "string"), # a dot inside a name is back-ticked
    ("contact.email", "string", "email", "string"),    # out of a struct
    ("score", "string", "stats.score", "double"),
    ("visits", "long", "stats.visits", "int"),
], transformation_ctx="mapped")
mapped.printSchema()
glueContext.write_dynamic_frame.from_options(
    frame=mapped, connection_type="s3", connection_options={"path": args["output"]},
    format="json")
"""

CUSTOMERS = [
    {"id": "1", "first": "Ada", "last": "Byron", "street": "12 St James's Sq", "city": "London",
     "zip.code": "SW1Y", "contact": {"email": "ada@example.org", "phone": "1"},
     "score": "97.5", "visits": 3, "internal": "dropped"},
    {"id": "2", "first": "Grace", "last": "Hopper", "street": "1 Navy Way", "city": "Arlington",
     "zip.code": "22202", "contact": {"email": "grace@example.org"}, "score": "88",
     "visits": 12, "internal": "dropped"},
    # Missing source fields map to nothing, not to an error.
    {"id": "3", "first": "Linus", "city": "Helsinki", "visits": 1},
]


def _expected(c):
    row = {"id": int(c["id"]),
           "name": {"first": c.get("first"), "last": c.get("last")},
           "address": {"street": c.get("street"), "city": c.get("city"),
                       "zip": c.get("zip.code")},
           "email": (c.get("contact") or {}).get("email"),
           "stats": {"score": float(c["score"]) if "score" in c else None,
                     "visits": c.get("visits")}}
    return row


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


def test_apply_mapping_builds_nested_structs(run_script, tmp_path):
    data = tmp_path / "customers" / "region=eu"
    data.mkdir(parents=True)
    with open(data / "customers.json", "w") as f:
        for c in CUSTOMERS:
            f.write(json.dumps(c) + "\n")
    out = tmp_path / "out"
    proc = run_script(SCRIPT, "--input", str(tmp_path / "customers"), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Structs appear in mapping order, with their fields in mapping order.
    schema = proc.stdout
    assert schema.index("|-- name: struct") < schema.index("|-- address: struct") < \
        schema.index("|-- email: string") < schema.index("|-- stats: struct")
    assert "|    |-- score: double" in schema and "|    |-- visits: int" in schema

    files = glob.glob(os.path.join(out, "*.json*"))
    assert files, os.listdir(out)
    got = []
    for name in files:
        with open(name) as f:
            got.extend(json.loads(line) for line in f if line.strip())
    got.sort(key=lambda r: r["id"])
    # Unmapped fields (internal, phone, the partition column region) are gone.
    for row in got:
        assert set(row) <= {"id", "name", "address", "email", "stats"}, row
    assert [_drop_nulls(r) for r in got] == [_drop_nulls(_expected(c)) for c in CUSTOMERS]
