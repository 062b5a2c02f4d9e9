"""TaskContext: as on a Spark driver, there is no task here (get() is None)."""
from pyspark._stub import spark_only_class


class TaskContext:
    @classmethod
    def get(cls):
        return None


class BarrierTaskContext(TaskContext):
    pass


BarrierTaskInfo = spark_only_class("pyspark.BarrierTaskInfo", __name__)
