"""Error pages any anonymous client can cause (issue 13, L8): a clean French answer, no 500.

Django turns a SuspiciousOperation raised while reading a request (body over
DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, a stranger's Host header...) into a 400
through `handler400`. A body that is merely too big deserves its own status, 413, and a message
saying what to do. The templates are rendered without the request's context processors: the
error may come before the session and the user are known.
"""
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.template import loader


def bad_request(request, exception, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig):
        return HttpResponse(loader.render_to_string("413.html"), status=413)
    return HttpResponse(loader.render_to_string(template_name), status=400)
