"""Checks that the legs wrote the same data, so the timings compare the same
work: the same columns and types, the same Hive partitions, and per
partition the same row count and sums over every column (numbers, dates,
timestamps, booleans, and string lengths)."""
import duckdb

# One row per (region, channel); every data column feeds one aggregate.
PER_PARTITION = """
SELECT region, channel, count(*) AS rows,
       sum(order_id) AS order_id, sum(quantity) AS quantity,
       round(sum(unit_price), 2) AS unit_price, count(discount) AS discounts,
       round(sum(discount), 2) AS discount, count(ref_code) AS refs, sum(ref_code) AS ref_code,
       sum(order_date - DATE '2020-01-01') AS date_days, sum(epoch(order_ts)) AS ts_seconds,
       sum(CAST(active AS INTEGER)) AS active, sum(length(customer)) AS customer_chars,
       sum(length(comment)) AS comment_chars
FROM read_parquet('{glob}', hive_partitioning = true)
GROUP BY ALL ORDER BY ALL
"""


def _glob(out_dir):
    return f"{out_dir}/**/*.parquet"


def summarize(out_dir):
    """(data columns with types, per-partition aggregates) of one output."""
    con = duckdb.connect()
    glob = _glob(out_dir)
    # Partition columns come from folder names; the data files' own columns:
    cols = con.sql(f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = false)").fetchall()
    schema = sorted((name, typ.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMP")) for name, typ, *_ in cols)
    rel = con.sql(PER_PARTITION.format(glob=glob))
    names = rel.columns
    rows = [dict(zip(names, r)) for r in rel.fetchall()]
    return schema, rows


def compare(outputs):
    """{leg: out_dir} -> (ok, lines). The first leg is the reference."""
    lines, ok = [], True
    summaries = {}
    for leg, out_dir in outputs.items():
        try:
            summaries[leg] = summarize(out_dir)
        except Exception as e:  # an unreadable output is a disagreement, not a crash
            lines.append(f"{leg}: cannot read its output: {str(e).splitlines()[0]}")
            ok = False
    if not summaries:
        return False, lines
    ref_leg = next(iter(summaries))
    ref_schema, ref_rows = summaries[ref_leg]
    total = sum(r["rows"] for r in ref_rows)
    for leg, (schema, rows) in summaries.items():
        if leg == ref_leg:
            continue
        if schema != ref_schema:
            ok = False
            lines.append(f"{leg}: columns {schema} differ from {ref_leg}'s {ref_schema}")
        if rows != ref_rows:
            ok = False
            by_key = {(r["region"], r["channel"]): r for r in ref_rows}
            for r in rows:
                want = by_key.get((r["region"], r["channel"]))
                if want != r:
                    diff = {k: (v, want.get(k) if want else None) for k, v in r.items()
                            if not want or want.get(k) != v}
                    lines.append(f"{leg}: partition {r['region']}/{r['channel']} differs "
                                 f"from {ref_leg} (value, reference): {diff}")
                    break
            if len(rows) != len(ref_rows):
                lines.append(f"{leg}: {len(rows)} partitions, {ref_leg} {len(ref_rows)}")
    if ok and len(summaries) == 1:
        lines.append(f"one output ({ref_leg}: {len(ref_rows)} partitions, {total:,} rows): "
                     f"nothing to compare it with")
    elif ok:
        lines.append(f"outputs agree: {len(summaries)} legs, {len(ref_rows)} partitions, "
                     f"{total:,} rows, {len(ref_schema)} data columns, per-partition sums of every column")
    return ok, lines
