"""The exceptions scripts catch around Spark SQL calls (`except
AnalysisException:`). Mortar never raises them: those calls raise
SparkEngineRequired."""


class CapturedException(Exception):
    def __init__(self, desc=None, stackTrace=None, cause=None, origin=None):
        super().__init__(desc)
        self.desc, self.stackTrace, self.cause = desc, stackTrace, cause

    def getErrorClass(self):
        return None


class AnalysisException(CapturedException):
    pass


class ParseException(AnalysisException):
    pass


class IllegalArgumentException(CapturedException):
    pass


class StreamingQueryException(CapturedException):
    pass


class QueryExecutionException(CapturedException):
    pass


class PythonException(CapturedException):
    pass


class UnknownException(CapturedException):
    pass
