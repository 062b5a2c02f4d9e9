"""The one place that imports the native engine module, so a missing or
broken build gives one clear message instead of an ImportError deep inside
a transform."""
import importlib

_module = None


def native():
    global _module
    if _module is None:
        try:
            _module = importlib.import_module("_mortar")
        except ImportError as e:
            raise ImportError(
                "awsglue: the native engine module _mortar is not importable (" + str(e) +
                "); run scripts with `mortar run`, or put <build>/python on PYTHONPATH") from e
    return _module


def transform_opts(transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
    """Glue's per-transform error-handling arguments as the engine's opts dict."""
    return {"transformation_ctx": transformation_ctx or "", "info": info or "",
            "stage_threshold": int(stageThreshold or 0),
            "total_threshold": int(totalThreshold or 0)}
