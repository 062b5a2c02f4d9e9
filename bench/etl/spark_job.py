"""The benchmark's ETL job as a PySpark DataFrame program (the peer of
glue_job.py): read the CSV with its header, rename and cast every column,
turn the mixed Ref column into a long (text -> null, what ResolveChoice
cast:long does), leave out Legacy (null in every row: what DropNullFields
drops; Spark is told statically, which spares it the pass Glue needs to find
out) and write Parquet partitioned by region and channel.

  python spark_job.py --input orders.csv --output out/   (local[2] unless --master)
"""
import argparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

ap = argparse.ArgumentParser()
ap.add_argument("--input", required=True)
ap.add_argument("--output", required=True)
ap.add_argument("--master", default="local[2]")
args = ap.parse_args()

spark = (SparkSession.builder.master(args.master).appName("mortar-etl-bench")
         .config("spark.ui.enabled", "false")
         .config("spark.driver.host", "127.0.0.1")  # loopback only
         .config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.sql.session.timeZone", "UTC")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

# No inferSchema: every column arrives as a string and is cast once (inferring
# would read the file twice).
raw = (spark.read.option("header", True).option("escape", '"').csv(args.input))
out = raw.select(
    F.col("OrderID").cast("long").alias("order_id"),
    F.col("Region").alias("region"),
    F.col("Channel").alias("channel"),
    F.col("OrderDate").cast("date").alias("order_date"),
    F.col("OrderTime").cast("timestamp").alias("order_ts"),
    F.col("Quantity").cast("int").alias("quantity"),
    F.col("UnitPrice").cast("double").alias("unit_price"),
    F.col("Discount").cast("double").alias("discount"),
    F.col("Customer").alias("customer"),
    F.col("Comment").alias("comment"),
    F.expr("try_cast(Ref AS BIGINT)").alias("ref_code"),
    F.col("Active").cast("boolean").alias("active"),
)
out.write.mode("overwrite").partitionBy("region", "channel").parquet(args.output)
spark.stop()
