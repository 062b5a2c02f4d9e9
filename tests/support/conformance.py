"""Checks every raw response Mortar sends against the installed botocore's
Glue model (loaded with botocore.loaders; the repo never copies the model).

A Recorder hooks botocore's 'before-parse' event on each client the tests
create, so it sees the exact bytes before botocore's lenient parser does.
Successful responses are checked against the operation's output shape:
member names exist, JSON types match the modelled types (timestamps are
numbers), required members are present, enum values are known. Errors must
carry __type and message. Every response must carry x-amzn-RequestId.
"""
import json
import threading

import botocore.loaders
import botocore.model

_JSON_CONTENT_TYPES = ("application/x-amz-json-1.1", "application/json")


def glue_service_model():
    loader = botocore.loaders.Loader()
    return botocore.model.ServiceModel(loader.load_service_model("glue", "service-2"), "glue")


class ShapeChecker:
    """Validates a decoded JSON value against a botocore shape."""

    def __init__(self, service_model):
        self.service_model = service_model

    def check_output(self, operation_name, value):
        op = self.service_model.operation_model(operation_name)
        problems = []
        if op.output_shape is None:
            if value not in ({}, None):
                problems.append(f"{operation_name}: output has no members in the model "
                                f"but response is {str(value)[:200]}")
            return problems
        self._check(op.output_shape, value, operation_name, problems)
        return problems

    def _check(self, shape, value, path, problems):
        kind = shape.type_name
        if value is None:
            problems.append(f"{path}: null where the model has {kind} ({shape.name})")
            return
        if kind == "structure" and getattr(shape, "is_document_type", False):
            return  # free-form JSON document
        if kind == "structure":
            if not isinstance(value, dict):
                problems.append(f"{path}: expected object ({shape.name}), got {_jtype(value)}")
                return
            members = shape.members
            for name, member_value in value.items():
                if name not in members:
                    problems.append(f"{path}: member '{name}' is not in shape {shape.name}")
                    continue
                self._check(members[name], member_value, f"{path}.{name}", problems)
            for name in shape.required_members:
                if name not in value:
                    problems.append(f"{path}: required member '{name}' of {shape.name} missing")
            if getattr(shape, "is_tagged_union", False) and len(value) != 1:
                problems.append(f"{path}: union {shape.name} must set exactly one member")
        elif kind == "list":
            if not isinstance(value, list):
                problems.append(f"{path}: expected array ({shape.name}), got {_jtype(value)}")
                return
            for i, item in enumerate(value):
                self._check(shape.member, item, f"{path}[{i}]", problems)
        elif kind == "map":
            if not isinstance(value, dict):
                problems.append(f"{path}: expected object/map ({shape.name}), got {_jtype(value)}")
                return
            for key, item in value.items():
                self._check(shape.value, item, f"{path}[{key!r}]", problems)
        elif kind == "string":
            if not isinstance(value, str):
                problems.append(f"{path}: expected string ({shape.name}), got {_jtype(value)}")
                return
            enum = shape.enum
            if enum and value not in enum:
                problems.append(f"{path}: '{value}' is not a value of enum {shape.name}")
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"{path}: expected integer ({shape.name}), got {_jtype(value)}")
        elif kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"{path}: expected number ({shape.name}), got {_jtype(value)}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                problems.append(f"{path}: expected boolean ({shape.name}), got {_jtype(value)}")
        elif kind == "timestamp":
            # AWS JSON 1.1 sends epoch seconds as a number; the JS SDK rejects strings.
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"{path}: timestamp must be epoch seconds as a JSON number, "
                                f"got {_jtype(value)} {value!r}")
        elif kind == "blob":
            if not isinstance(value, str):
                problems.append(f"{path}: blob must be a base64 string, got {_jtype(value)}")
        else:
            problems.append(f"{path}: unhandled shape type {kind}")


def _jtype(value):
    return {dict: "object", list: "array", str: "string", bool: "boolean",
            int: "number", float: "number", type(None): "null"}.get(type(value), str(type(value)))


def check_raw_response(checker, operation_name, status, headers, body):
    """Problems with one raw response (headers: dict with lower-case names)."""
    problems = []
    if not headers.get("x-amzn-requestid"):
        problems.append(f"{operation_name}: HTTP {status} response lacks x-amzn-RequestId")
    content_type = headers.get("content-type", "")
    if not content_type.startswith(_JSON_CONTENT_TYPES):
        problems.append(f"{operation_name}: Content-Type is {content_type!r}")
    try:
        value = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError) as exc:
        return problems + [f"{operation_name}: HTTP {status} body is not JSON ({exc}): "
                           f"{body[:200]!r}"]
    if status >= 300:
        if not isinstance(value, dict):
            return problems + [f"{operation_name}: error body is not an object: {body[:200]!r}"]
        error_type = value.get("__type")
        if not isinstance(error_type, str) or not error_type:
            problems.append(f"{operation_name}: error body lacks __type: {body[:200]!r}")
        message = value.get("message", value.get("Message"))
        if not isinstance(message, str):
            problems.append(f"{operation_name}: error body lacks message: {body[:200]!r}")
        if status >= 500 and not problems:
            problems.append(f"{operation_name}: server fault HTTP {status}: {body[:200]!r}")
        return problems
    if value is None:
        return problems + [f"{operation_name}: HTTP {status} with an empty body (want {{}})"]
    return problems + checker.check_output(operation_name, value)


class Recorder:
    """Collects shape violations from every client it is attached to."""

    def __init__(self):
        self.checker = ShapeChecker(glue_service_model())
        self.violations = []          # (test id, message)
        self.operations_seen = {}     # operation -> count of 2xx responses checked
        self.responses_checked = 0
        self.current_test = "<setup>"
        self._lock = threading.Lock()

    def attach(self, client):
        client.meta.events.register("before-parse.glue.*", self._on_response)

    def _on_response(self, operation_model, response_dict, **_):
        headers = {k.lower(): v for k, v in response_dict.get("headers", {}).items()}
        status = response_dict.get("status_code", 0)
        body = response_dict.get("body", b"")
        problems = check_raw_response(self.checker, operation_model.name, status, headers, body)
        with self._lock:
            self.responses_checked += 1
            if status < 300:
                self.operations_seen[operation_model.name] = (
                    self.operations_seen.get(operation_model.name, 0) + 1)
            for problem in problems:
                self.violations.append((self.current_test, problem))

    def report(self, limit=60):
        lines = [f"{test}: {problem}" for test, problem in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"... and {len(self.violations) - limit} more")
        return "\n".join(lines)


_session_recorder = None


def session_recorder():
    """The one Recorder shared by the whole pytest session."""
    global _session_recorder
    if _session_recorder is None:
        _session_recorder = Recorder()
    return _session_recorder
