"""GlueContext.get_logger(): Glue's log4j logger as a Python logger writing
one line per message to stderr (a job run's captured log)."""
import logging
import sys

_LOGGER_NAME = "awsglue"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a message is logged (tests and
    runners may replace it after the logger was made)."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)


def _logger():
    logger = logging.getLogger(_LOGGER_NAME)
    if not logger.handlers:
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [glue] %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


class GlueLogger:
    """info/warn/error/debug as on Glue's logger (messages are strings)."""

    def __init__(self):
        self._log = _logger()

    def info(self, message):
        self._log.info(str(message))

    def warn(self, message):
        self._log.warning(str(message))

    warning = warn

    def error(self, message):
        self._log.error(str(message))

    def debug(self, message):
        self._log.debug(str(message))

    def setLevel(self, level):
        self._log.setLevel(str(level).upper() if isinstance(level, str) else level)
