"""Business refusals, and the one way screens show them (issue 15: one exception base).

A service that refuses raises either Django's ValidationError (a value of a form field is wrong)
or a BusinessError (the request is understood but not allowed now: a transition, a payment, a
shortfall of stock). Both carry French text for the user. Screens do not pick them apart by
hand: `add_to_form` puts either on a form, `message_of` makes one sentence of either for an admin
message or a queue, `messages_of` lists them for a page.
"""
from django.core.exceptions import ValidationError


class BusinessError(Exception):
    """A refusal of a business rule; `message` (and `str(exc)`) is one French sentence."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def messages_of(exc) -> list[str]:
    """The French messages of a ValidationError or a BusinessError, one per refusal (a list on a page)."""
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [getattr(exc, "message", None) or str(exc)]


def message_of(exc) -> str:
    """One French sentence for a ValidationError or a BusinessError (admin messages, queues)."""
    return " ".join(messages_of(exc))


def add_to_form(form, exc, *, fields=None):
    """Put a ValidationError's messages on the fields of `form` they name (else on the form),
    or a BusinessError's message on the form. `fields` maps a service's field name to the
    form's, when they differ."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = (fields or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, message_of(exc))
