"""The accounts' background jobs: password links (reset by the customer, first password of a
staff member created without one). Enqueued by account.services inside the request's
transaction; the link is made when the job runs, so no token waits in the database."""
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string

from account.models import User
from account.services import password_link_context
from jobs.tasks import job_task

TEMPLATES = {
    # kind: (subject template, body template)
    "reset": ("account/emails/password_reset_subject.txt", "account/emails/password_reset.txt"),
    "set": ("account/emails/set_password_subject.txt", "account/emails/set_password.txt"),
    "activate": ("account/emails/activate_subject.txt", "account/emails/activate.txt"),
    "already_registered": ("account/emails/already_registered_subject.txt", "account/emails/already_registered.txt"),
}
# A new customer's account is inactive until its activation link is followed.
FOR_INACTIVE = {"activate"}


@job_task(retry_on=(OSError, smtplib.SMTPException))
def send_password_link(*, user_id, kind, domain, protocol, extra=None):
    users = User.objects.filter(pk=user_id)
    user = (users if kind in FOR_INACTIVE else users.filter(is_active=True)).first()
    if user is None:
        return  # deleted or deactivated since: no link
    subject_template, body_template = TEMPLATES[kind]
    context = {**password_link_context(user=user, domain=domain, protocol=protocol), **(extra or {})}
    subject = "".join(render_to_string(subject_template, context).splitlines())
    send_mail(subject, render_to_string(body_template, context), None, [user.email])
