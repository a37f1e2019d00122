"""What the logs keep of a request the project refused on purpose."""
import logging


class RefusalWithoutTraceback(logging.Filter):
    """Keep the line of a refused request (4xx), drop the traceback Django attaches to it.

    Django logs a 403 raised as PermissionDenied (an admin page a role may not open) and a 400
    raised as BadRequest with the exception's traceback: thirty lines of the framework's own stack
    per refusal, saying nothing the line does not ("Forbidden (Permission denied): /admin/…").
    On a back office where staff follow links to pages of other shops, that buried the server
    errors in the log. A 5xx keeps its traceback: that one is a bug to read.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
