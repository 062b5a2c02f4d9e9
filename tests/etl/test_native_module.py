"""The native module `_mortar` on its own: value conversions both ways,
schema dicts, every Frame transform against hand-computed results,
DynamicRecord, the error model, argument errors and the GIL."""
import datetime
import decimal
import json
import threading

import pytest

import _mortar as m
from _mortar import MortarError


def recs(frame):
    return frame.to_records()


PEOPLE = [
    {"id": 1, "name": "ann", "v": 1, "addr": {"city": "Oslo", "zip": "0150"}, "tags": ["a", "b"]},
    {"id": 2, "name": "bob", "v": "two", "addr": {"city": "Rome", "zip": None}, "tags": []},
]


@pytest.fixture
def people():
    return m.from_records(PEOPLE)


# --- values ----------------------------------------------------------------

def test_every_type_round_trips_through_from_records():
    row = {
        "none": None,
        "flag": True,
        "int": -(2 ** 40),
        "big": 2 ** 70,
        "real": 1.25,
        "dec": decimal.Decimal("-12345.678"),
        "text": "héllo",
        "raw": b"\x00\xffbin",
        "day": datetime.date(1969, 12, 31),
        "ts": datetime.datetime(2024, 2, 29, 23, 59, 58, 123456),
        "list": [1, 2, None],
        "nested": {"a": {"b": [{"c": "x"}]}},
        "map": {1: "one", 2: "two"},
    }
    out = recs(m.from_records([row]))
    assert out == [{**row, "big": decimal.Decimal(2 ** 70)}]
    assert list(out[0]) == list(row)  # field order kept
    assert isinstance(out[0]["flag"], bool) and isinstance(out[0]["raw"], bytes)
    assert list(out[0]["nested"]["a"]) == ["b"]


def test_inferred_types_in_schema():
    schema = m.from_records([{"b": False, "i": 3, "f": 0.5, "d": decimal.Decimal("1.50"),
                              "s": "x", "y": b"z", "dt": datetime.date(2020, 1, 2),
                              "ts": datetime.datetime(2020, 1, 2, 3, 4, 5),
                              "l": ["x"], "m": {7: 1.0}, "st": {"k": None}}]).schema()
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert schema["type"] == "struct"
    assert types["b"] == {"type": "boolean"}  # bool is not taken for an int
    assert types["i"] == {"type": "long"}
    assert types["f"] == {"type": "double"}
    assert types["d"] == {"type": "decimal", "precision": 38, "scale": 2}
    assert types["s"] == {"type": "string"}
    assert types["y"] == {"type": "binary"}
    assert types["dt"] == {"type": "date"}
    assert types["ts"] == {"type": "timestamp"}
    assert types["l"] == {"type": "array", "element": {"type": "string"}}
    assert types["m"] == {"type": "map", "key": {"type": "long"}, "value": {"type": "double"}}
    assert types["st"] == {"type": "struct", "fields": [{"name": "k", "type": {"type": "null"}}]}


def test_int_and_float_like_objects_convert():
    class Count:  # e.g. a numpy integer: not an int, but has __index__
        def __index__(self):
            return 7

    class Ratio:
        def __float__(self):
            return 0.25
    assert recs(m.from_records([{"n": Count(), "r": Ratio()}])) == [{"n": 7, "r": 0.25}]


def test_aware_datetime_is_stored_as_utc():
    tz = datetime.timezone(datetime.timedelta(hours=2))
    out = recs(m.from_records([{"t": datetime.datetime(2024, 1, 1, 12, 0, tzinfo=tz)}]))
    assert out == [{"t": datetime.datetime(2024, 1, 1, 10, 0)}]


def test_timestamp_outside_pythons_range_is_a_clear_error():
    f = m.from_records([{"t": 0}, {"t": 300_000_000_000}]).apply_mapping(
        [("t", "long", "t", "timestamp")])
    with pytest.raises(MortarError, match="11476-08-15 05:20:00 is outside Python's datetime"):
        f.to_records()
    assert f.count() == 2  # the frame itself is fine


def test_choice_schema_and_values(people):
    v = [f for f in people.schema()["fields"] if f["name"] == "v"][0]
    assert v["type"] == {"type": "choice", "alternatives": [{"type": "long"}, {"type": "string"}]}
    assert [r["v"] for r in recs(people)] == [1, "two"]  # each record its alternative's value


def test_unconvertible_value_is_a_clear_error():
    with pytest.raises(MortarError) as e:
        m.from_records([{"a": object()}])
    assert e.value.code == "InvalidArgument"
    assert "object" in str(e.value)
    loop = []
    loop.append(loop)
    with pytest.raises(MortarError, match="nested more than"):
        m.from_records([{"a": loop}])
    with pytest.raises(MortarError, match="record 1 must be a dict"):
        m.from_records([{"a": 1}, 5])
    with pytest.raises(MortarError, match="field names must be str"):
        m.from_records([{"a": 1, 2: "x"}])


# --- actions -----------------------------------------------------------------

def test_count_show_print_schema(people):
    assert people.count() == 2
    assert people.show(1).strip() == json.dumps(
        {"id": 1, "name": "ann", "v": 1, "addr": {"city": "Oslo", "zip": "0150"},
         "tags": ["a", "b"]})
    assert people.print_schema().splitlines()[:4] == [
        "root", "|-- id: long", "|-- name: string", "|-- v: choice"]


# --- transforms ----------------------------------------------------------------

def test_apply_mapping_builds_structs_and_casts(people):
    out = people.apply_mapping([("ID", "long", "ident", "string"),
                                ("addr.city", "string", "loc.city", "string")])
    assert recs(out) == [{"ident": "1", "loc": {"city": "Oslo"}},
                         {"ident": "2", "loc": {"city": "Rome"}}]


def test_resolve_choice_cast_and_make_cols(people):
    assert [r["v"] for r in recs(people.resolve_choice(choice="cast:long"))] == [1, None]
    cols = recs(people.resolve_choice([("v", "make_cols")]).select_fields(["v_long", "v_string"]))
    assert cols == [{"v_long": 1, "v_string": None}, {"v_long": None, "v_string": "two"}]


def test_select_drop_rename(people):
    assert recs(people.select_fields(["id", "addr.city"])) == [
        {"id": 1, "addr": {"city": "Oslo"}}, {"id": 2, "addr": {"city": "Rome"}}]
    assert recs(people.drop_fields(["addr", "tags", "v"])) == [
        {"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}]
    assert recs(people.select_fields(["id", "name"]).rename_field("name", "who")) == [
        {"id": 1, "who": "ann"}, {"id": 2, "who": "bob"}]


def test_drop_null_fields():
    f = m.from_records([{"a": 1, "b": None, "c": ""}, {"a": None, "b": None, "c": None}])
    assert recs(f.drop_null_fields()) == [{"a": 1, "c": ""}, {"a": None, "c": None}]


def test_filter_and_map(people):
    assert [r["id"] for r in recs(people.filter(lambda r: r.name.startswith("b")))] == [2]

    def shout(r):
        r["name"] = r["name"].upper()
        r["addr.country"] = "EU"
        return r
    out = recs(people.map(shout).select_fields(["name", "addr"]))
    assert out == [{"name": "ANN", "addr": {"city": "Oslo", "zip": "0150", "country": "EU"}},
                   {"name": "BOB", "addr": {"city": "Rome", "zip": None, "country": "EU"}}]


def test_map_returning_a_dict_and_changing_types(people):
    out = people.map(lambda r: {"id": r.id, "double": r.id * 2.5, "when": datetime.date(2020, 1, r.id)})
    assert recs(out) == [{"id": 1, "double": 2.5, "when": datetime.date(2020, 1, 1)},
                         {"id": 2, "double": 5.0, "when": datetime.date(2020, 1, 2)}]
    assert out.schema()["fields"][2] == {"name": "when", "type": {"type": "date"}}


def test_union_join_drop_duplicates(people):
    other = m.from_records([{"id": 1, "x": "k"}, {"id": 3, "x": "z"}])
    joined = recs(people.select_fields(["id", "name"]).join(["id"], other, ["id"]))
    assert joined == [{"id": 1, "name": "ann", ".id": 1, "x": "k"}]
    union = recs(m.from_records([{"a": 1}]).union(m.from_records([{"a": 2, "b": "y"}])))
    assert union == [{"a": 1, "b": None}, {"a": 2, "b": "y"}]
    dups = m.from_records([{"a": 1, "b": 2}, {"a": 1, "b": 3}, {"a": 1, "b": 2}])
    assert recs(dups.drop_duplicates()) == [{"a": 1, "b": 2}, {"a": 1, "b": 3}]
    assert recs(dups.drop_duplicates(["a"])) == [{"a": 1, "b": 2}]


def test_split_fields_and_split_rows(people):
    parts = people.select_fields(["id", "name"]).split_fields(["id"], "keys", "rest")
    assert sorted(parts) == ["keys", "rest"]
    assert recs(parts["keys"]) == [{"id": 1}, {"id": 2}]
    assert recs(parts["rest"]) == [{"name": "ann"}, {"name": "bob"}]
    rows = people.select_fields(["id"]).split_rows([("id", ">", 1)], "big", "small")
    assert recs(rows["big"]) == [{"id": 2}] and recs(rows["small"]) == [{"id": 1}]


def test_relationalize(people):
    tables = people.select_fields(["id", "tags"]).relationalize("root")
    assert sorted(tables) == ["root", "root_tags"]
    assert recs(tables["root"]) == [{"id": 1, "tags": 1}, {"id": 2, "tags": 2}]
    assert recs(tables["root_tags"]) == [{"id": 1, "index": 0, "tags.val": "a"},
                                         {"id": 1, "index": 1, "tags.val": "b"}]


def test_unbox_unnest_spigot_merge_partitions(people, tmp_path):
    boxed = m.from_records([{"j": '{"a": 1, "b": [1, 2]}'}])
    assert recs(boxed.unbox("j", "json")) == [{"j": {"a": 1, "b": [1, 2]}}]
    assert recs(people.select_fields(["id", "addr"]).unnest()) == [
        {"id": 1, "addr.city": "Oslo", "addr.zip": "0150"},
        {"id": 2, "addr.city": "Rome", "addr.zip": None}]
    sampled = people.select_fields(["id"]).spigot(str(tmp_path), topk=1)
    assert sampled.count() == 2  # records pass through unchanged
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and [json.loads(l) for l in files[0].read_text().splitlines()] == [{"id": 1}]
    base = m.from_records([{"id": 1, "x": "old"}, {"id": 3, "x": "keep"}])
    merged = base.merge_frames(m.from_records([{"id": 1, "x": "new"}]), ["id"])
    assert sorted(recs(merged), key=lambda r: r["id"]) == [{"id": 1, "x": "new"},
                                                            {"id": 3, "x": "keep"}]
    assert people.repartition(3).num_partitions() == 3
    assert people.coalesce(1).num_partitions() == 1
    assert people.num_partitions() == 0


# --- files ------------------------------------------------------------------

def test_write_files_and_from_files_round_trip(tmp_path):
    frame = m.from_records([{"id": i, "part": "even" if i % 2 == 0 else "odd", "x": i * 0.5}
                            for i in range(6)])
    out = m.write_files(frame, {"path": str(tmp_path / "out"), "format": "parquet",
                                "partition_keys": ["part"]})
    assert out["rows"] == 6
    assert sorted(p.split("/")[-2] for p in out["files"]) == ["part=even", "part=odd"]
    back = m.from_files({"paths": [str(tmp_path / "out")], "format": "parquet"})
    got = sorted(recs(back), key=lambda r: r["id"])
    assert got == [{"id": i, "x": i * 0.5, "part": "even" if i % 2 == 0 else "odd"}
                   for i in range(6)]

    import pyarrow.parquet as pq
    table = pq.read_table(out["files"][0])
    assert table.column_names == ["id", "x"]


def test_from_files_csv_with_format_options(tmp_path):
    (tmp_path / "d.csv").write_text("a;b\n1;x\n2;y\n")
    f = m.from_files({"paths": [str(tmp_path / "d.csv")], "format": "csv",
                      "format_options": {"withHeader": True, "separator": ";"}})
    assert [(r["a"], r["b"]) for r in recs(f)] == [("1", "x"), ("2", "y")] or \
        [(r["a"], r["b"]) for r in recs(f)] == [(1, "x"), (2, "y")]


def test_from_files_explicit_files_with_partition_values(tmp_path):
    (tmp_path / "p1").mkdir()
    (tmp_path / "p2").mkdir()
    (tmp_path / "p1" / "a.json").write_text('{"v": "x"}\n')
    (tmp_path / "p2" / "b.json").write_text('{"v": "y"}\n')
    f = m.from_files({"paths": [], "format": "json",
                      "files": [{"path": str(tmp_path / "p1"), "partitions": {"year": "2024"}},
                                {"path": str(tmp_path / "p2" / "b.json"),
                                 "partitions": {"year": None}}],
                      "partition_types": {"year": "int"}})
    assert recs(f) == [{"v": "x", "year": 2024}, {"v": "y", "year": None}]
    with pytest.raises(MortarError, match="needs a 'path'"):
        m.from_files({"files": [{"partitions": {}}]})


def test_file_errors(tmp_path):
    with pytest.raises(MortarError) as e:
        m.from_files({"paths": [str(tmp_path / "missing")]})
    assert e.value.code == "NotFound"
    with pytest.raises(MortarError, match="unknown key 'path'"):
        m.from_files({"path": str(tmp_path)})
    with pytest.raises(MortarError, match="needs options\\['paths'\\]"):
        m.from_files({})
    with pytest.raises(MortarError, match="options\\['recurse'\\] must be a bool"):
        m.from_files({"paths": [str(tmp_path)], "recurse": "yes"})
    with pytest.raises(MortarError, match="write_files needs options\\['format'\\]"):
        m.write_files(m.from_records([{"a": 1}]), {"path": str(tmp_path / "o")})


# --- DynamicRecord ------------------------------------------------------------

def test_dynamic_record_mapping_behaviour():
    seen = []

    def probe(r):
        seen.append({
            "item": r["id"], "attr": r.name, "dotted": r["addr.city"],
            "in": ("name" in r, "addr.zip" in r, "nope" in r),
            "get": (r.get("nope"), r.get("nope", 7)),
            "keys": r.keys(), "len": len(r), "iter": list(r),
            "values": r.values()[:2], "items": r.items()[:1],
            "dict": r.to_dict(), "repr": repr(r),
        })
        with pytest.raises(KeyError):
            r["nope"]
        with pytest.raises(AttributeError):
            r.nope
        r.extra = [1, 2]
        r["addr.city"] = r["addr.city"].lower()
        del r["tags"]
        del r.v
        with pytest.raises(KeyError):
            del r["tags"]
        return r

    out = recs(m.from_records(PEOPLE[:1]).map(probe))
    assert out == [{"id": 1, "name": "ann", "addr": {"city": "oslo", "zip": "0150"},
                    "extra": [1, 2]}]
    s = seen[0]
    assert s["item"] == 1 and s["attr"] == "ann" and s["dotted"] == "Oslo"
    assert s["in"] == (True, True, False)
    assert s["get"] == (None, 7)
    assert s["keys"] == s["iter"] == ["id", "name", "v", "addr", "tags"] and s["len"] == 5
    assert s["values"] == [1, "ann"] and s["items"] == [("id", 1)]
    assert s["dict"] == PEOPLE[0]
    assert s["repr"].startswith("DynamicRecord({'id': 1, 'name': 'ann'")


def test_dynamic_record_standalone():
    r = m.DynamicRecord({"a": 1, "b": {"c": "x"}})
    assert r.a == 1 and r["b.c"] == "x" and r == {"a": 1, "b": {"c": "x"}}
    r["b.d"] = 2.5
    assert r.to_dict() == {"a": 1, "b": {"c": "x", "d": 2.5}}
    with pytest.raises(MortarError, match="must be a str"):
        r[3]
    from collections.abc import MutableMapping
    assert isinstance(r, MutableMapping)
    assert r.pop("missing", 0) == 0
    with pytest.raises(KeyError):
        r.pop("missing")
    r.update({"u": 1}, v="w")
    assert r.pop("u") == 1 and r.pop("v") == "w" and "u" not in r
    assert r.setdefault("a", 9) == 1 and r.setdefault("z", 3) == 3 and r.pop("z") == 3
    import copy
    twin = copy.deepcopy(r)
    twin["a"] = 2
    assert r.a == 1 and twin.a == 2 and dict(twin) == {"a": 2, "b": {"c": "x", "d": 2.5}}


def test_glue_docs_merge_address_example():
    # AWS's Map example: assign an empty dict, then fill it in place.
    f = m.from_records([{"id": 1, "Provider Street Address": "1 Main St",
                         "Provider City": "Oslo", "Provider State": "NO"}])

    def merge_address(rec):
        rec["Address"] = {}
        rec["Address"]["Street"] = rec["Provider Street Address"]
        rec["Address"]["City"] = rec["Provider City"]
        rec["Address"]["State"] = rec["Provider State"]
        del rec["Provider Street Address"]
        del rec["Provider City"]
        del rec["Provider State"]
        return rec
    assert recs(f.map(merge_address)) == [
        {"id": 1, "Address": {"Street": "1 Main St", "City": "Oslo", "State": "NO"}}]


def test_nested_values_change_in_place_and_keep_their_types():
    f = m.from_records([{"n": 1, "s": {"k": 1, "d": decimal.Decimal("1.50")},
                         "l": [{"x": 1}]}]).apply_mapping(
        [("n", "long", "n", "int"), ("s.k", "long", "s.k", "int"),
         ("s.d", "decimal", "s.d", "decimal(10,2)"), ("l", "array", "l", "array")])

    def fn(r):
        assert r["s"] is r["s"] and r.values()[1] is r["s"]  # one object, as in a dict
        r["s"]["k"] = 5
        r["s"]["d"] = decimal.Decimal("2.5")
        r["l"][0]["x"] = 9
        r["l"].append({"x": 10})
        r["n"] = 7
        assert r["s.k"] == 5  # paths see the change
        return r
    out = f.map(fn)
    assert recs(out) == [{"n": 7, "s": {"k": 5, "d": decimal.Decimal("2.50")},
                          "l": [{"x": 9}, {"x": 10}]}]
    assert out.schema() == f.schema()  # int stays int, decimal(10,2) stays decimal(10,2)
    assert f.map(lambda r: (r["s"], r["l"], r)[2]).schema() == f.schema()


def test_writes_that_change_a_fields_type():
    f = m.from_records([{"small": 1, "s": {"t": 2}, "l": [1]}]).apply_mapping(
        [("small", "long", "small", "int"), ("s", "struct", "s", "struct"),
         ("l", "array", "l", "array")])

    def fn(r):
        r["small"] = 2 ** 40          # past int: the field becomes a bigint
        r["s"] = {"q": [1, {"z": None}]}  # another struct shape
        r["l"] = ["x"]                # another element type
        return r
    out = f.map(fn)
    assert recs(out) == [{"small": 2 ** 40, "s": {"q": [1, {"z": None}]}, "l": ["x"]}]
    assert out.errors_count() == 0
    types = {x["name"]: x["type"] for x in out.schema()["fields"]}
    assert types["small"] == {"type": "long"}
    assert types["l"] == {"type": "array", "element": {"type": "string"}}
    # A top-level name with a dot in it (unnest makes them) is written as itself.
    dotted = m.from_records([{"a": {"b": 1}}]).unnest()

    def retype(r):
        r["a.b"] = "one"
        return r
    assert recs(dotted.map(retype)) == [{"a.b": "one"}]
    with pytest.raises(MortarError, match="empty name"):
        m.DynamicRecord({"a": 1})[""] = 1
    with pytest.raises(MortarError, match="\\[\\]"):
        m.DynamicRecord({"a": [1]})["a[]"] = 1


def test_map_may_return_another_record():
    keep = []

    def fn(r):
        keep.append(r)  # a reference kept by the script must stay intact
        return r
    out = recs(m.from_records([{"a": 1}, {"a": 2}]).map(fn))
    assert out == [{"a": 1}, {"a": 2}]
    # Map runs once for the schema and once for the records (as in Glue);
    # every kept reference still holds its record.
    assert [r.a for r in keep] == [1, 2] * (len(keep) // 2) and keep


# --- error model --------------------------------------------------------------

def test_raising_callable_makes_error_records():
    f = m.from_records([{"a": 1}, {"a": 0}, {"a": 2}])
    out = f.map(lambda r: {"inv": 1 / r.a}, {"transformation_ctx": "invert"})
    assert recs(out) == [{"inv": 1.0}, {"inv": 0.5}]
    assert out.errors_count() == 1
    errors = recs(out.errors_frame())
    assert errors == [{"stage": "invert", "message": "ZeroDivisionError: division by zero",
                       "record": '{"a": 0}'}]
    kept = f.filter(lambda r: 10 // r.a > 5)
    assert recs(kept) == [{"a": 1}] and kept.errors_count() == 1
    bad = f.map(lambda r: None)
    assert recs(bad) == [] and "must return a DynamicRecord or a dict, not None" in \
        recs(bad.errors_frame())[0]["message"]


def test_interrupts_in_callables_propagate_as_themselves():
    f = m.from_records([{"a": i} for i in range(10)])
    calls = []

    def stop(r):
        calls.append(r.a)
        if r.a == 3:
            raise KeyboardInterrupt()
        return r
    with pytest.raises(KeyboardInterrupt):
        f.map(stop).to_records()
    assert calls[-1] == 3  # the engine stopped at once
    with pytest.raises(SystemExit):
        f.filter(lambda r: exit(2)).count()
    assert f.filter(lambda r: r.a < 2).count() == 2  # nothing left pending


def test_stage_threshold_exceeded_fails_the_action():
    f = m.from_records([{"a": 0}, {"a": 0}, {"a": 1}])
    within = f.map(lambda r: {"x": 1 / r.a}, {"stage_threshold": 2})
    assert within.count() == 1
    over = f.map(lambda r: {"x": 1 / r.a}, {"stage_threshold": 1})
    with pytest.raises(MortarError) as e:
        over.to_records()
    assert "exceed stageThreshold 1" in str(e.value)
    assert "ZeroDivisionError: division by zero" in str(e.value)
    total = f.map(lambda r: {"x": 1 / r.a}, {"total_threshold": 1})
    with pytest.raises(MortarError, match="exceed totalThreshold 1"):
        total.count()


# --- argument errors -------------------------------------------------------------

def test_bad_arguments_raise_mortar_error(people):
    cases = [
        (lambda: people.select_fields("id"), "paths must be a list of str"),
        (lambda: people.apply_mapping([("a", "string", "b")]), "mapping 0"),
        (lambda: people.apply_mapping([("a", "string", "b", "nosuchtype")]), "nosuchtype"),
        (lambda: people.resolve_choice([("v", "explode")]), "explode"),
        (lambda: people.filter(42), "filter needs a callable"),
        (lambda: people.map(lambda r: r, {"stage_threshold": -1}), "must not be negative"),
        (lambda: people.map(lambda r: r, {"stageThreshold": 1}), "unknown key 'stageThreshold'"),
        (lambda: people.split_rows([("id", ">")], "a", "b"), "comparison 0"),
        (lambda: people.repartition(0), "between 1 and"),
        (lambda: people.rename_field("name", "id").to_records(), "'id' already exists"),
        (lambda: people.rename_field("name", 5), "rename_field new must be a str"),
        (lambda: people.union([1]), "union(other) must be a _mortar.Frame"),
        (lambda: people.join(["id"], None, ["id"]), "join(other) must be a _mortar.Frame"),
        (lambda: people.show("3"), "show(n) must be an int"),
        (lambda: people.spigot("/tmp/x", prob=2.0), "prob must be within"),
        (lambda: people.apply_mapping([], case_sensitive="yes"), "case_sensitive must be a bool"),
        (lambda: m.write_files("frame", {"path": "/tmp/x", "format": "json"}),
         "write_files(frame) must be a _mortar.Frame"),
    ]
    for call, text in cases:
        with pytest.raises(MortarError) as e:
            call()
        assert text in str(e.value), (text, str(e.value))
        assert e.value.code and e.value.message == str(e.value)


# --- threads -------------------------------------------------------------------

def test_actions_release_the_gil(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    n = 400_000
    pq.write_table(pa.table({"x": pa.array(range(n), pa.int64()),
                             "s": pa.array([str(i % 97) for i in range(n)])}),
                   tmp_path / "big.parquet")
    big = m.from_files({"paths": [str(tmp_path / "big.parquet")]})
    done = threading.Event()
    result = {}

    def work():
        result["count"] = big.select_fields(["x"]).count()
        result["kept"] = big.filter(lambda r: r.x % 1000 == 0).count()
        done.set()

    ticks = 0
    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():  # pure Python: runs only while the engine lets go of the GIL
        ticks += 1
    t.join()
    assert result == {"count": n, "kept": n // 1000}
    assert ticks > 1000


def test_callbacks_from_two_threads():
    frame = m.from_records([{"a": i} for i in range(2000)])
    results = {}

    def run(name, k):
        results[name] = sum(r["b"] for r in recs(frame.map(lambda r: {"b": r.a * k})))

    threads = [threading.Thread(target=run, args=(f"t{k}", k)) for k in (1, 2, 3)]
    for t in threads:
        t.start()
    run("main", 4)
    for t in threads:
        t.join()
    total = sum(range(2000))
    assert results == {"t1": total, "t2": 2 * total, "t3": 3 * total, "main": 4 * total}
