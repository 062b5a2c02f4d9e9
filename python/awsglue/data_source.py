"""GlueContext.getSource(...): a source configured step by step
(setFormat, then getFrame)."""


class DataSource:
    def __init__(self, glue_context, connection_type, transformation_ctx="", options=None):
        self._glue_context = glue_context
        self._connection_type = connection_type
        self._transformation_ctx = transformation_ctx
        self._options = dict(options or {})
        self._format = None
        self._format_options = {}

    def setFormat(self, format, **options):
        self._format = format
        self._format_options = dict(options)
        return self

    def getFrame(self, **options):
        connection_options = {**self._options, **options}
        push_down = connection_options.pop("push_down_predicate", "")
        return self._glue_context.create_dynamic_frame_from_options(
            self._connection_type, connection_options, self._format, self._format_options,
            self._transformation_ctx, push_down)
