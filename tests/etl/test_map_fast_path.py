"""Map through `_mortar` with its fast path: the record a callable gets reads
its fields from the batch only when used, fields it never writes are copied
column to column, a DynamicRecord no script holds is reused, and records that
add the same field share one schema. Each test asserts the exact records a
plain dict-based Map would give, for the cases that path could get wrong."""
import datetime
import decimal
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import _mortar as m


def recs(frame):
    return frame.to_records()


def fields(frame):
    return {f["name"]: f["type"] for f in frame.schema()["fields"]}


ROWS = [
    {"id": 1, "name": "ann", "score": 1.5, "addr": {"city": "Oslo", "zip": "0150"},
     "tags": ["a", "b"], "day": datetime.date(2024, 1, 2)},
    {"id": 2, "name": "bob", "score": None, "addr": {"city": "Rome", "zip": None},
     "tags": [], "day": None},
    {"id": 3, "name": None, "score": -2.0, "addr": None, "tags": None,
     "day": datetime.date(1999, 12, 31)},
]


@pytest.fixture
def parquet(tmp_path):
    """ROWS as a Parquet file of one-row row groups (one batch per record)."""
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path, row_group_size=1)
    return m.from_files({"paths": [str(path)]})


def test_untouched_fields_come_back_unchanged(parquet):
    def add(r):
        r["double_id"] = r["id"] * 2
        return r
    out = parquet.map(add)
    assert recs(out) == [dict(row, double_id=row["id"] * 2) for row in ROWS]
    assert fields(out)["double_id"] == {"type": "long"}
    assert list(fields(out)) == list(fields(parquet)) + ["double_id"]


def test_nested_struct_and_list_changed_in_place(parquet):
    def fn(r):
        if r["addr"] is not None:
            r["addr"]["city"] = r["addr"]["city"].upper()
            r["addr"]["country"] = "EU"
        if r["tags"] is not None:
            r["tags"].append("z")
        return r
    assert recs(parquet.map(fn)) == [
        dict(ROWS[0], addr={"city": "OSLO", "zip": "0150", "country": "EU"}, tags=["a", "b", "z"]),
        dict(ROWS[1], addr={"city": "ROME", "zip": None, "country": "EU"}, tags=["z"]),
        ROWS[2] | {"addr": None, "tags": None},
    ]


def test_nested_value_read_but_not_changed(parquet):
    seen = []

    def fn(r):
        seen.append((r["addr"], list(r["tags"] or [])))
        return r
    out = parquet.map(fn)
    assert recs(out) == ROWS
    assert out.schema() == parquet.schema()
    assert seen == [(row["addr"], row["tags"] or []) for row in ROWS]


def test_deleting_fields(parquet):
    def fn(r):
        del r["name"]
        if r["id"] == 2:
            del r["addr"]
        r.pop("tags")
        return r
    out = parquet.map(fn)
    assert recs(out) == [
        {"id": 1, "score": 1.5, "addr": {"city": "Oslo", "zip": "0150"},
         "day": datetime.date(2024, 1, 2)},
        {"id": 2, "score": None, "addr": None, "day": None},
        {"id": 3, "score": -2.0, "addr": None, "day": datetime.date(1999, 12, 31)},
    ]
    assert "name" not in fields(out) and "tags" not in fields(out)


def test_a_field_replaced_by_another_type_in_some_records_is_a_choice(parquet):
    def fn(r):
        if r["id"] % 2:
            r["score"] = f"s{r['id']}"
        return r
    out = parquet.map(fn)
    assert recs(out) == [ROWS[0] | {"score": "s1"}, ROWS[1], ROWS[2] | {"score": "s3"}]
    assert fields(out)["score"] == {"type": "choice",
                                    "alternatives": [{"type": "string"}, {"type": "double"}]}


def test_an_added_field_whose_type_differs_between_records(parquet):
    def fn(r):
        r["extra"] = r["id"] if r["id"] != 2 else "two"
        return r
    out = parquet.map(fn)
    assert [r["extra"] for r in recs(out)] == [1, "two", 3]
    assert fields(out)["extra"] == {"type": "choice",
                                    "alternatives": [{"type": "long"}, {"type": "string"}]}
    assert recs(out.select_fields(["id", "name"])) == [
        {"id": r["id"], "name": r["name"]} for r in ROWS]


def test_returning_a_new_dict(parquet):
    def fn(r):
        return {"who": r["name"], "n": r["id"] + 0.5, "when": r["day"]}
    out = parquet.map(fn)
    assert recs(out) == [{"who": r["name"], "n": r["id"] + 0.5, "when": r["day"]} for r in ROWS]
    assert fields(out) == {"who": {"type": "string"}, "n": {"type": "double"},
                           "when": {"type": "date"}}


def test_returning_a_dict_built_from_the_record(parquet):
    out = parquet.map(lambda r: {**r.to_dict(), "id": str(r["id"])})
    assert recs(out) == [row | {"id": str(row["id"])} for row in ROWS]
    assert fields(out)["id"] == {"type": "string"}


def test_returning_a_non_dict_makes_error_records(parquet):
    def fn(r):
        if r["id"] == 1:
            return [r]
        if r["id"] == 2:
            return 42
        return r
    out = parquet.map(fn, {"transformation_ctx": "shape"})
    assert recs(out) == [ROWS[2]]
    errors = recs(out.errors_frame())
    assert [(e["stage"], e["message"]) for e in errors] == [
        ("shape", "the Map function must return a DynamicRecord or a dict, not list"),
        ("shape", "the Map function must return a DynamicRecord or a dict, not int"),
    ]
    assert [json.loads(e["record"])["id"] for e in errors] == [1, 2]
    assert json.loads(errors[0]["record"])["addr"] == {"city": "Oslo", "zip": "0150"}


def test_a_callable_that_raises_after_changing_the_record(parquet):
    def fn(r):
        r["name"] = "changed"
        if r["id"] == 2:
            raise ValueError("bad record")
        return r
    out = parquet.map(fn)
    assert recs(out) == [ROWS[0] | {"name": "changed"}, ROWS[2] | {"name": "changed"}]
    [error] = recs(out.errors_frame())
    assert error["message"] == "ValueError: bad record"
    assert json.loads(error["record"])["name"] == "bob"  # the record as it came in


def test_records_kept_by_the_script_stay_intact(tmp_path):
    # Many batches, so the batches the kept records came from are freed and
    # their memory reused while the records live on.
    n = 20_000
    pq.write_table(pa.table({"i": pa.array(range(n), pa.int64()),
                             "s": pa.array([f"text {i}" for i in range(n)]),
                             "d": pa.array([i / 4 for i in range(n)])}),
                   tmp_path / "many.parquet", row_group_size=500)
    frame = m.from_files({"paths": [str(tmp_path / "many.parquet")]})
    kept, raised = [], []

    def fn(r):
        if r["i"] % 1000 == 0:
            kept.append(r)      # never read a field of it here
        if r["i"] % 1000 == 1:
            r["i"] = -r["i"]    # written, then kept through the traceback
            raise KeyError("x")
        return r
    out = frame.map(fn)
    assert out.count() == n - n // 1000
    assert len(kept) == n // 1000
    assert [r.to_dict() for r in kept] == [
        {"i": i, "s": f"text {i}", "d": i / 4} for i in range(0, n, 1000)]
    assert [r["s"] for r in kept[:3]] == ["text 0", "text 1000", "text 2000"]
    errors = recs(out.errors_frame())
    assert [json.loads(e["record"]) for e in errors][:2] == [
        {"i": 1, "s": "text 1", "d": 0.25}, {"i": 1001, "s": "text 1001", "d": 250.25}]


def test_a_record_kept_and_returned_later(parquet):
    previous = []

    def fn(r):
        out = previous[-1] if previous else r
        previous.append(r)
        return out
    # Each call returns the record the previous call got (kept by the script).
    assert recs(parquet.map(fn)) == [ROWS[0], ROWS[0], ROWS[1]]


def test_schemas_that_differ_between_batches(tmp_path):
    (tmp_path / "in").mkdir()
    pq.write_table(pa.Table.from_pylist([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]),
                   tmp_path / "in" / "1.parquet")
    pq.write_table(pa.Table.from_pylist([{"a": "three", "c": [1.5]}]),
                   tmp_path / "in" / "2.parquet")
    frame = m.from_files({"paths": [str(tmp_path / "in")], "recurse": True})

    def fn(r):
        r["a2"] = r["a"] * 2
        if "c" in r and r["c"]:
            r["c"][0] += 1
        return r
    got = sorted(recs(frame.map(fn)), key=lambda r: str(r["a"]))
    assert got == [
        {"a": 1, "b": "x", "c": None, "a2": 2},
        {"a": 2, "b": "y", "c": None, "a2": 4},
        {"a": "three", "b": None, "c": [2.5], "a2": "threethree"},
    ]


def test_wide_records_past_64_fields(tmp_path):
    width = 70
    row = {f"f{i}": i for i in range(width)}
    pq.write_table(pa.Table.from_pylist([row, {k: v + 1 for k, v in row.items()}]),
                   tmp_path / "wide.parquet")
    frame = m.from_files({"paths": [str(tmp_path / "wide.parquet")]})

    def fn(r):
        r["f69"] = r["f69"] * 10
        r["f1"] = "one"
        r["sum"] = r["f0"] + r["f68"]
        return r
    out = recs(frame.map(fn))
    assert out == [row | {"f69": 690, "f1": "one", "sum": 68},
                   {k: v + 1 for k, v in row.items()} | {"f69": 700, "f1": "one", "sum": 70}]


def test_decimal_and_timestamp_fields_pass_through(tmp_path):
    t = pa.table({"amount": pa.array([decimal.Decimal("1.25"), None], pa.decimal128(10, 2)),
                  "at": pa.array([datetime.datetime(2024, 5, 6, 7, 8, 9), None],
                                 pa.timestamp("us")),
                  "k": pa.array([1, 2], pa.int32())})
    pq.write_table(t, tmp_path / "t.parquet")
    frame = m.from_files({"paths": [str(tmp_path / "t.parquet")]})

    def fn(r):
        r["k"] = r["k"] + 1
        return r
    out = frame.map(fn)
    assert recs(out) == [
        {"amount": decimal.Decimal("1.25"), "at": datetime.datetime(2024, 5, 6, 7, 8, 9), "k": 2},
        {"amount": None, "at": None, "k": 3}]
    assert out.schema() == frame.schema()  # k stays int, the decimal keeps (10,2)


def test_filter_sees_lazy_records_and_never_changes_the_rows(parquet):
    kept = []

    def pred(r):
        kept.append(r)            # kept past the batch: still whole afterwards
        r["name"] = "changed"     # a predicate's writes do not reach the output
        del r["tags"]
        if r["id"] == 3:
            raise ValueError("three")
        return r["id"] != 2
    out = parquet.filter(pred, {"transformation_ctx": "pick"})
    assert recs(out) == [ROWS[0]]
    [error] = recs(out.errors_frame())
    assert error["stage"] == "pick" and error["message"] == "ValueError: three"
    assert json.loads(error["record"])["name"] is None  # the row as read
    assert [r.to_dict() for r in kept[-3:]] == [
        {k: v for k, v in (row | {"name": "changed"}).items() if k != "tags"} for row in ROWS]


def test_filter_reading_one_field_of_wide_rows(tmp_path):
    n = 5_000
    pq.write_table(pa.table({"i": pa.array(range(n), pa.int64()),
                             "s": pa.array([f"v{i}" for i in range(n)]),
                             "l": pa.array([[i, i + 1] for i in range(n)])}),
                   tmp_path / "f.parquet", row_group_size=700)
    frame = m.from_files({"paths": [str(tmp_path / "f.parquet")]})
    out = recs(frame.filter(lambda r: r.i % 1000 == 999))
    assert out == [{"i": i, "s": f"v{i}", "l": [i, i + 1]} for i in range(999, n, 1000)]


def test_schema_changes_late_in_a_large_batch(tmp_path):
    # One 3,000-row batch: the Map node runs it in chunks, so records far
    # into the batch retype a column every earlier record left untouched,
    # add a field, drop one, or come back as a new dict.
    n = 3000
    rows = [{"id": i, "s": f"s{i}", "d": i / 2, "st": {"x": i}} for i in range(n)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "big.parquet", row_group_size=n)
    frame = m.from_files({"paths": [str(tmp_path / "big.parquet")]})

    def fn(r):
        i = r["id"]
        if i >= 2100:
            r["d"] = f"d{i}"
        if i >= 2500:
            r["late"] = i
        if i == 2700:
            del r["s"]
        if i == 1500:
            return {"id": i, "other": True}
        if i == 1800:
            r["st"]["x"] = -1
        return r

    def expected(row):
        i = row["id"]
        if i == 1500:
            return {"id": i, "s": None, "d": None, "st": None, "other": True, "late": None}
        out = dict(row, st={"x": -1 if i == 1800 else i}, other=None, late=None)
        if i >= 2100:
            out["d"] = f"d{i}"
        if i >= 2500:
            out["late"] = i
        if i == 2700:
            out["s"] = None
        return out
    out = frame.map(fn)
    assert recs(out) == [expected(row) for row in rows]
    assert fields(out)["d"] == {"type": "choice",
                                "alternatives": [{"type": "double"}, {"type": "string"}]}
    assert list(fields(out)) == ["id", "s", "d", "st", "other", "late"]
    # Only an added field: every other column passes through whole.
    plus = frame.map(lambda r: (r.__setitem__("x", r["id"] % 7), r)[1])
    assert recs(plus) == [dict(row, x=row["id"] % 7) for row in rows]
