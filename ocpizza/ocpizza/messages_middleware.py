"""django.contrib.messages' middleware, with the storage opened only when used (issue 14).

Django builds the message storage for every request (a cookie storage with its signer and a
session storage); most requests never show nor add a message. Here the storage is built the
first time something reads or adds a message; a response whose request never did has nothing
to store, as with Django's own middleware (the storage writes only what was used or added).
"""
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty


class MessageMiddleware(DjangoMessageMiddleware):
    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = request.__dict__.get("_messages")
        if type(messages) is SimpleLazyObject and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
