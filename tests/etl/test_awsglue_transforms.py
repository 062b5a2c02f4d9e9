"""awsglue.transforms and the DynamicFrame methods behind them, in-process on
the native engine, against hand-computed frames (nested data, choice types,
nulls) and Glue's error model."""
import json

import pytest

from awsglue_helpers import fake_module, frame, glue_ctx, rows  # noqa: F401 (fixture)

from awsglue.transforms import *  # noqa: F401,F403  (as real scripts do)
from awsglue import transforms as T
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsglue.gluetypes import (ChoiceType, Field, IntegerType, LongType, StringType,
                               StructType)
import _mortar

PEOPLE = [
    {"id": "1", "name": {"first": "Ann", "last": "Lee"}, "age": "30", "extra": True},
    {"id": "2", "name": {"first": "Bob", "last": None}, "age": None, "extra": False},
]


def test_star_import_gives_glues_transform_classes():
    names = set(T.__all__)
    for expected in ("ApplyMapping", "ResolveChoice", "SelectFields", "DropFields", "RenameField",
                     "SplitFields", "SplitRows", "Filter", "Map", "FlatMap", "Join",
                     "Relationalize", "Unbox", "UnnestFrame", "DropNullFields", "Spigot",
                     "ErrorsAsDynamicFrame", "SelectFromCollection", "MapToCollection",
                     "Union", "Repartition", "Coalesce", "DropDuplicates"):
        assert expected in names
        assert expected in globals(), f"`from awsglue.transforms import *` lacks {expected}"
    assert T.get_transform("applymapping").name() == "ApplyMapping"
    args = [a["name"] for a in ApplyMapping.describeArgs()]
    assert args[:3] == ["frame", "mappings", "case_sensitive"]


def test_apply_mapping_casts_renames_nests_and_drops_unmapped(glue_ctx):
    people = frame(PEOPLE, glue_ctx)
    out = ApplyMapping.apply(frame=people, mappings=[
        ("id", "string", "id", "long"),
        ("name.first", "string", "person.first_name", "string"),
        ("age", "string", "age", "int"),
    ], transformation_ctx="map1")
    assert isinstance(out, DynamicFrame)
    assert rows(out) == [
        {"id": 1, "person": {"first_name": "Ann"}, "age": 30},
        {"id": 2, "person": {"first_name": "Bob"}, "age": None},
    ]
    assert out.schema() == StructType([
        Field("id", LongType()),
        Field("person", StructType([Field("first_name", StringType())])),
        Field("age", IntegerType()),
    ])


def test_apply_mapping_is_case_insensitive_by_default(glue_ctx):
    people = frame(PEOPLE, glue_ctx)
    mapping = [("ID", "string", "key", "string")]
    assert rows(people.apply_mapping(mapping)) == [{"key": "1"}, {"key": "2"}]
    assert rows(people.apply_mapping(mapping, case_sensitive=True)) == [{}, {}]


def test_apply_mapping_rejects_malformed_tuples(glue_ctx):
    with pytest.raises(ValueError, match="4-tuple"):
        frame(PEOPLE, glue_ctx).apply_mapping([("id", "string", "id")])


MIXED = [{"k": 1, "x": 1}, {"k": 2, "x": "two"}, {"k": 3, "x": None}]


def test_union_of_disagreeing_records_is_a_choice(glue_ctx):
    schema = frame(MIXED, glue_ctx).schema()
    x = schema.getField("x").dataType
    assert isinstance(x, ChoiceType)
    assert set(x.choices) == {"long", "string"}


def test_resolve_choice_cast_and_project(glue_ctx):
    mixed = frame(MIXED, glue_ctx)
    cast = ResolveChoice.apply(mixed, specs=[("x", "cast:long")])
    assert [r.get("x") for r in rows(cast)] == [1, None, None]
    assert cast.schema().getField("x").dataType == LongType()
    projected = mixed.resolveChoice(specs=[("x", "project:string")])
    assert [r.get("x") for r in rows(projected)] == [None, "two", None]
    as_string = mixed.resolveChoice(choice="cast:string")
    assert [r.get("x") for r in rows(as_string)] == ["1", "two", None]


def test_resolve_choice_make_cols_and_make_struct(glue_ctx):
    mixed = frame(MIXED, glue_ctx)
    cols = mixed.resolveChoice(specs=[("x", "make_cols")])
    names = [f.name for f in cols.schema().fields]
    assert names == ["k", "x_long", "x_string"]
    got = [(r.get("x_long"), r.get("x_string")) for r in rows(cols)]
    assert got == [(1, None), (None, "two"), (None, None)]
    struct = mixed.resolveChoice(specs=[("x", "make_struct")])
    x = struct.schema().getField("x").dataType
    assert isinstance(x, StructType) and [f.name for f in x.fields] == ["long", "string"]
    assert rows(struct)[1]["x"]["string"] == "two"


def test_resolve_choice_arguments_are_checked(glue_ctx):
    mixed = frame(MIXED, glue_ctx)
    with pytest.raises(ValueError, match="specs or choice"):
        mixed.resolveChoice()
    with pytest.raises(ValueError, match="not both"):
        mixed.resolveChoice(specs=[("x", "cast:long")], choice="make_cols")
    with pytest.raises(_mortar.MortarError):
        mixed.resolveChoice(specs=[("x", "explode:long")])
    with pytest.raises(ValueError, match="database and table_name"):
        mixed.resolveChoice(choice="match_catalog", database="db")


def test_resolve_choice_match_catalog_asks_the_catalog_for_the_types(glue_ctx, monkeypatch):
    catalog = fake_module(monkeypatch, "_catalog", match_catalog_specs=[("x", "cast:long")])
    out = frame(MIXED, glue_ctx).resolveChoice(choice="match_catalog", database="sales",
                                               table_name="t1")
    assert [r.get("x") for r in rows(out)] == [1, None, None]
    (name, args, kwargs), = catalog.calls
    assert name == "match_catalog_specs"
    assert args[1:] == ("sales", "t1")
    assert args[0]["fields"][1]["type"]["type"] == "choice"  # the frame's schema dict


NESTED = [{"a": 1, "b": {"c": 2, "d": 3}, "e": None},
          {"a": 4, "b": {"c": 5, "d": None}, "e": "x"}]


def test_select_and_drop_fields_with_nested_paths(glue_ctx):
    nested = frame(NESTED, glue_ctx)
    assert rows(SelectFields.apply(nested, ["a", "b.c"])) == [{"a": 1, "b": {"c": 2}},
                                                             {"a": 4, "b": {"c": 5}}]
    dropped = DropFields.apply(frame=nested, paths=["b.d", "e"])
    assert rows(dropped) == [{"a": 1, "b": {"c": 2}}, {"a": 4, "b": {"c": 5}}]
    assert rows(nested.select_fields("a")) == [{"a": 1}, {"a": 4}]


def test_rename_field_in_place_and_into_a_struct(glue_ctx):
    nested = frame(NESTED, glue_ctx)
    renamed = RenameField.apply(nested, "b.c", "b.z")
    assert [f.name for f in renamed.schema().getField("b").dataType.fields] == ["z", "d"]
    assert rows(renamed)[0]["b"] == {"z": 2, "d": 3}
    top = nested.rename_field("a", "alpha")
    assert [f.name for f in top.schema().fields] == ["alpha", "b", "e"]
    with pytest.raises(_mortar.MortarError, match="already exists"):
        nested.rename_field("a", "e").count()  # onto an existing field


def test_split_fields_gives_a_collection_of_two_frames(glue_ctx):
    parts = SplitFields.apply(frame(NESTED, glue_ctx), ["a", "b.c"], "picked", "rest")
    assert isinstance(parts, DynamicFrameCollection)
    assert sorted(parts.keys()) == ["picked", "rest"]
    assert rows(parts["picked"]) == [{"a": 1, "b": {"c": 2}}, {"a": 4, "b": {"c": 5}}]
    assert rows(parts["rest"]) == [{"b": {"d": 3}, "e": None}, {"b": {"d": None}, "e": "x"}]
    assert parts["picked"].name == "picked"


def test_split_rows_by_comparison_dict(glue_ctx):
    ages = frame([{"n": "a", "age": 5}, {"n": "b", "age": 15}, {"n": "c", "age": None},
                  {"n": "d", "age": 25}], glue_ctx)
    parts = SplitRows.apply(ages, {"age": {">": 10, "<": 20}}, "teen", "other")
    assert [r["n"] for r in rows(parts["teen"])] == ["b"]
    assert [r["n"] for r in rows(parts["other"])] == ["a", "c", "d"]
    defaults = SplitRows.apply(frame=ages, comparison_dict={"n": {"=": "a"}})
    assert sorted(defaults.keys()) == ["frame1", "frame2"]
    assert defaults["frame1"].count() == 1
    with pytest.raises(ValueError, match="operator: value"):
        ages.split_rows({"age": 10}, "x", "y")


def test_filter_keeps_matches_and_drops_records_it_cannot_read(glue_ctx):
    ages = frame([{"age": 5}, {"age": 15}, {"age": None}, {"other": 1}], glue_ctx)
    out = Filter.apply(frame=ages, f=lambda r: r["age"] > 10)
    # None > 10 (TypeError) and a missing field (KeyError) filter the record
    # out, as in Glue, rather than making error records.
    assert rows(out) == [{"age": 15, "other": None}]
    assert out.errorsCount() == 0


def test_filter_other_exceptions_become_error_records(glue_ctx):
    def check(r):
        if r["age"] == 15:
            raise RuntimeError("bad record")
        return True
    out = frame([{"age": 5}, {"age": 15}], glue_ctx).filter(check)
    assert out.count() == 1
    assert out.errorsCount() == 1
    errors = rows(out.errorsAsDynamicFrame())
    assert "bad record" in errors[0]["message"]


def test_map_with_dynamic_record_and_dict_results(glue_ctx):
    people = frame([{"name": "ann", "age": 30}, {"name": "bob", "age": 41}], glue_ctx)

    def older(r):
        r["age"] = r["age"] + 1
        r.name = r.name.upper()
        return r
    assert rows(Map.apply(frame=people, f=older)) == [{"name": "ANN", "age": 31},
                                                      {"name": "BOB", "age": 42}]
    as_dict = people.map(lambda r: {"who": r["name"], "nested": {"age": r["age"]}})
    assert rows(as_dict) == [{"who": "ann", "nested": {"age": 30}},
                             {"who": "bob", "nested": {"age": 41}}]


def test_map_errors_thresholds_and_error_frames(glue_ctx):
    nums = frame([{"n": 1}, {"n": 0}, {"n": 2}, {"n": 0}], glue_ctx)

    def invert(r):
        r["inv"] = 1 / r["n"]
        return r
    out = nums.map(invert)  # thresholds 0: unlimited, as in Glue
    assert [r["inv"] for r in rows(out)] == [1.0, 0.5]
    assert out.errorsCount() == 2
    assert out.stageErrorsCount() == 2
    errors = rows(ErrorsAsDynamicFrame.apply(out))
    assert len(errors) == 2
    assert all("ZeroDivisionError" in e["message"] for e in errors)
    assert json.loads(errors[0]["record"]) == {"n": 0}

    later = out.map(lambda r: r)  # a stage without errors of its own
    assert later.errorsCount() == 2 and later.stageErrorsCount() == 0

    strict = nums.map(invert, stageThreshold=1)
    with pytest.raises(_mortar.MortarError, match="(?i)threshold"):
        strict.count()
    with pytest.raises(_mortar.MortarError, match="(?i)threshold"):
        strict.assertErrorThreshold()
    total = nums.map(invert, totalThreshold=1)
    with pytest.raises(_mortar.MortarError, match="(?i)threshold"):
        total.count()
    nums.map(invert, stageThreshold=2).assertErrorThreshold()  # 2 errors: not past it


def test_map_returning_none_is_an_error_record(glue_ctx):
    out = frame([{"n": 1}, {"n": 2}], glue_ctx).map(lambda r: r if r["n"] == 1 else None)
    assert rows(out) == [{"n": 1}]
    assert "None" in rows(out.errorsAsDynamicFrame())[0]["message"]


PERSONS = [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]
MEMBERSHIPS = [{"person_id": 1, "org": "X", "name": "m1"},
               {"person_id": 1, "org": "Y", "name": "m2"},
               {"person_id": 3, "org": "Z", "name": "m3"}]


def test_join_is_an_inner_equi_join_with_dot_prefixed_clashes(glue_ctx):
    persons = frame(PERSONS, glue_ctx, "persons")
    memberships = frame(MEMBERSHIPS, glue_ctx, "memberships")
    joined = Join.apply(persons, memberships, "id", "person_id")
    assert joined.name == "personsmemberships"
    assert sorted(rows(joined), key=lambda r: r["org"]) == [
        {"id": 1, "name": "Ann", "person_id": 1, "org": "X", ".name": "m1"},
        {"id": 1, "name": "Ann", "person_id": 1, "org": "Y", ".name": "m2"},
    ]
    with pytest.raises(ValueError, match="same number"):
        persons.join(["id"], ["person_id", "org"], memberships)


def test_union_merges_schemas(glue_ctx):
    both = Union.apply(frame([{"a": 1}], glue_ctx), frame([{"a": "x", "b": 2}], glue_ctx))
    assert both.count() == 2
    assert isinstance(both.schema().getField("a").dataType, ChoiceType)
    assert [r.get("b") for r in rows(both)] == [None, 2]


def test_relationalize_flattens_structs_and_pivots_arrays(glue_ctx):
    data = frame([{"pid": 7, "tags": ["x", "y"], "addr": {"city": "Paris"}},
                  {"pid": 8, "tags": [], "addr": {"city": "Oslo"}}], glue_ctx)
    tables = Relationalize.apply(frame=data, staging_path="/tmp/unused", name="root")
    assert sorted(tables.keys()) == ["root", "root_tags"]
    root = rows(tables["root"])
    assert [(r["pid"], r["addr.city"]) for r in root] == [(7, "Paris"), (8, "Oslo")]
    tags = rows(tables.select("root_tags"))
    link = root[0]["tags"]
    assert [(t["id"], t["index"], t["tags.val"]) for t in tags] == [(link, 0, "x"),
                                                                    (link, 1, "y")]


def test_unbox_parses_json_strings_and_bad_json_is_an_error_record(glue_ctx):
    boxed = frame([{"k": 1, "j": '{"a": 1, "b": "x"}'}, {"k": 2, "j": "{not json"}], glue_ctx)
    out = Unbox.apply(frame=boxed, path="j", format="json")
    good = [r for r in rows(out) if r["k"] == 1]
    assert good[0]["j"] == {"a": 1, "b": "x"}
    assert out.errorsCount() == 1
    with pytest.raises(ValueError, match="not supported"):
        boxed.unbox("j", "csv", separator="|")


def test_unnest_frame(glue_ctx):
    out = UnnestFrame.apply(frame([{"a": {"b": 1, "c": {"d": 2}}, "e": 3}], glue_ctx))
    assert rows(out) == [{"a.b": 1, "a.c.d": 2, "e": 3}]


def test_drop_null_fields_drops_only_all_null_fields(glue_ctx):
    data = frame([{"a": 1, "b": None, "c": "", "s": {"x": None, "y": 1}},
                  {"a": 2, "b": None, "c": "v", "s": {"x": None, "y": 2}}], glue_ctx)
    out = DropNullFields.apply(frame=data)
    assert rows(out) == [{"a": 1, "c": "", "s": {"y": 1}}, {"a": 2, "c": "v", "s": {"y": 2}}]


def test_drop_duplicates(glue_ctx):
    data = frame([{"k": 1, "v": "a"}, {"k": 1, "v": "b"}, {"k": 2, "v": "a"},
                  {"k": 1, "v": "a"}], glue_ctx)
    assert rows(DropDuplicates.apply(data)) == [{"k": 1, "v": "a"}, {"k": 1, "v": "b"},
                                               {"k": 2, "v": "a"}]
    assert rows(DropDuplicates.apply(data, paths=["k"])) == [{"k": 1, "v": "a"},
                                                            {"k": 2, "v": "a"}]


def test_merge_dynamic_frame_replaces_by_primary_key(glue_ctx):
    source = frame([{"id": 1, "v": "a"}, {"id": 2, "v": "b"}], glue_ctx)
    staging = frame([{"id": 2, "v": "B"}, {"id": 3, "v": "C"}], glue_ctx)
    merged = source.mergeDynamicFrame(staging, ["id"])
    assert sorted(rows(merged), key=lambda r: r["id"]) == [
        {"id": 1, "v": "a"}, {"id": 2, "v": "B"}, {"id": 3, "v": "C"}]
    with pytest.raises(ValueError, match="primary key"):
        source.mergeDynamicFrame(staging, [])


def test_spigot_writes_a_sample_and_passes_records(glue_ctx, tmp_path):
    data = frame([{"i": i} for i in range(10)], glue_ctx)
    out = Spigot.apply(data, str(tmp_path / "sample"), {"topk": 3})
    assert out.count() == 10
    files = [p for p in (tmp_path / "sample").rglob("*") if p.is_file()]
    assert len(files) == 1
    lines = files[0].read_text().splitlines()
    assert [json.loads(line)["i"] for line in lines] == [0, 1, 2]
    with pytest.raises(ValueError, match="unknown options"):
        data.spigot(str(tmp_path), {"top": 3})


def test_repartition_and_coalesce_set_the_partition_count(glue_ctx):
    data = frame([{"i": i} for i in range(10)], glue_ctx)
    assert Repartition.apply(data, 4).getNumPartitions() == 4
    assert Coalesce.apply(data, 2).getNumPartitions() == 2
    assert data.getNumPartitions() >= 1
    with pytest.raises(ValueError, match="positive"):
        data.repartition(0)


def test_collection_transforms(glue_ctx):
    data = frame([{"pid": 1, "tags": ["x"]}], glue_ctx)
    tables = data.relationalize("root", "/tmp/unused")
    assert SelectFromCollection.apply(dfc=tables, key="root").name == "root"
    counted = MapToCollection.apply(dfc=tables, BaseTransform=SelectFields, frame_name="frame",
                                    paths=["id"])
    assert sorted(counted.keys()) == ["root", "root_tags"]
    assert rows(counted["root_tags"]) == [{"id": rows(tables["root"])[0]["tags"]}]
    flat = FlatMap.apply(dfc=tables, BaseTransform=SplitFields, frame_name="frame",
                         paths=["id"])
    # Each split gives two frames named <frame>1 / <frame>2 (Glue's defaults).
    assert sorted(flat.keys()) == ["root1", "root2", "root_tags1", "root_tags2"]
    empty = tables.select("missing")
    assert empty.count() == 0 and empty.name == "missing"
    with pytest.raises(KeyError, match="missing"):
        tables["missing"]
    with pytest.raises(TypeError, match="DynamicFrame"):
        tables.map(lambda f, ctx: 42)
