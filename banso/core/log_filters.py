"""Log records as an operator reads them."""

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A refused or missing page (403, 404 …) is the client's error, not the server's: Django logs it with the
    exception's traceback, which buries real faults. Keep the line (who asked for what, and the status), drop the
    traceback; a 500 keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
