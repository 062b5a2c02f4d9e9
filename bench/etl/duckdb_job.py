"""The benchmark's ETL job as one DuckDB COPY (the peer of glue_job.py):
read_csv with its sniffer, casts and renames, TRY_CAST for the mixed Ref
column (ResolveChoice cast:long), Legacy left out (DropNullFields; DuckDB is
told statically), Parquet partitioned by region and channel.

  python duckdb_job.py --input orders.csv --output out/
"""
import argparse

import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("--input", required=True)
ap.add_argument("--output", required=True)
args = ap.parse_args()

duckdb.sql(f"""
COPY (
  SELECT CAST(OrderID AS BIGINT) AS order_id,
         Region AS region,
         Channel AS channel,
         CAST(OrderDate AS DATE) AS order_date,
         CAST(OrderTime AS TIMESTAMP) AS order_ts,
         CAST(Quantity AS INTEGER) AS quantity,
         CAST(UnitPrice AS DOUBLE) AS unit_price,
         CAST(Discount AS DOUBLE) AS discount,
         Customer AS customer,
         Comment AS comment,
         -- trim(): DuckDB 2.0 pushes a bare TRY_CAST into read_csv as the
         -- column's type, which then fails on the text values.
         TRY_CAST(trim(Ref) AS BIGINT) AS ref_code,
         CAST(Active AS BOOLEAN) AS active
  FROM read_csv('{args.input}', header = true)
) TO '{args.output}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (region, channel))
""")
