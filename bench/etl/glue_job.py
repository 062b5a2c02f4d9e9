"""The benchmark's ETL job as an AWS Glue script, run by `mortar run`:
CSV with a header -> ApplyMapping (rename and cast every column) ->
ResolveChoice (the mixed Ref column to long: text -> null) -> DropNullFields
(drops Legacy, null in every record) -> Parquet partitioned by region and
channel.

  mortar run bench/etl/glue_job.py --input orders.csv --output out/
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.transforms import ApplyMapping, DropNullFields, ResolveChoice
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)

orders = glue_context.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={"paths": [args["input"]]},
    format="csv",
    format_options={"withHeader": True},
    transformation_ctx="orders")

mapped = ApplyMapping.apply(
    frame=orders,
    mappings=[
        ("OrderID", "long", "order_id", "long"),
        ("Region", "string", "region", "string"),
        ("Channel", "string", "channel", "string"),
        ("OrderDate", "date", "order_date", "date"),
        ("OrderTime", "timestamp", "order_ts", "timestamp"),
        ("Quantity", "long", "quantity", "int"),
        ("UnitPrice", "double", "unit_price", "double"),
        ("Discount", "double", "discount", "double"),
        ("Customer", "string", "customer", "string"),
        ("Comment", "string", "comment", "string"),
        # Sometimes a number, sometimes text: kept as text here, resolved below.
        ("Ref", "string", "ref_code", "string"),
        ("Legacy", "string", "legacy", "string"),
        ("Active", "boolean", "active", "boolean"),
    ],
    transformation_ctx="mapped")

resolved = ResolveChoice.apply(frame=mapped, specs=[("ref_code", "cast:long")],
                               transformation_ctx="resolved")
cleaned = DropNullFields.apply(frame=resolved, transformation_ctx="cleaned")

glue_context.write_dynamic_frame.from_options(
    frame=cleaned,
    connection_type="s3",
    connection_options={"path": args["output"], "partitionKeys": ["region", "channel"]},
    format="parquet",
    transformation_ctx="sink")
job.commit()
