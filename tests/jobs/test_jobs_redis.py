"""The job queue for real: Celery workers in subprocesses on the machine's Redis, a real SMTP
server on loopback, the test database (MariaDB) shared with them. No mocks.

- the mail server down, then up: the e-mail is retried with backoff and delivered once;
- the worker killed in the middle of a job (the mail server holding its MAIL FROM): after a new
  worker starts, the job is done once, although Redis delivers its message a second time;
- a job enqueued inside a transaction that rolls back never reaches the queue nor runs.
"""
import os

import pytest
from django.db import connection

from tests.support.mail_server import MailServer
from tests.support.ops_helpers import free_port
from tests.support.queue_helpers import (
    database_url,
    forget_queue,
    kill,
    queue_drained,
    queue_env,
    redis_available,
    run_django,
    start_worker,
    wait_until,
)

pytestmark = [
    pytest.mark.mysql,  # the worker subprocess shares the test database: MariaDB's, not SQLite's in-memory one
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not redis_available(), reason="needs Redis at 127.0.0.1:6379"),
]

ENQUEUE_LINK = """
from django.db import transaction
from account.models import User
from account.services import send_set_password_email
user = User.objects.get(email={email!r})
with transaction.atomic():
    send_set_password_email(user=user)
    {after}
"""


@pytest.fixture
def queue(tmp_path):
    """(environment, mail server not started, started workers); everything stopped afterwards."""
    smtp = MailServer(free_port())
    env = queue_env({k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}, smtp_port=smtp.port,
                    DATABASE_URL=database_url(connection.settings_dict), DB_SSLMODE="off", APP_ENV="test")
    workers = []
    try:
        yield env, smtp, workers
    finally:
        for worker in workers:
            kill(worker)
        smtp.stop()
        forget_queue(env)


def _staff(email):
    from account.models import User

    return User.objects.create_user(email)  # no password: gets the "choose your password" link


def _job(email):
    from jobs.models import Job

    return Job.objects.filter(task="account.tasks.send_password_link", arguments__user_id=_user_id(email)).first()


def _user_id(email):
    from account.models import User

    return User.objects.get(email=email).pk


def test_mail_server_down_then_up_delivers_the_email_once(queue, tmp_path):
    from jobs.models import Job

    env, smtp, workers = queue
    _staff("nouveau@ocpizza.fr")
    workers.append(start_worker(env, tmp_path / "worker.log"))
    run_django(env, ENQUEUE_LINK.format(email="nouveau@ocpizza.fr", after="pass"))

    # Nothing listens on the mail port: the job fails, waits, is tried again, and again.
    wait_until(lambda: (_job("nouveau@ocpizza.fr") or Job(attempts=0)).attempts >= 3, what="three failed attempts")
    job = _job("nouveau@ocpizza.fr")
    assert job.state in (Job.State.WAITING, Job.State.RUNNING) and "Connection refused" in job.last_error
    assert smtp.messages == []

    smtp.start()  # the mail server is back
    wait_until(lambda: _job("nouveau@ocpizza.fr").state == Job.State.DONE, what="the job done")
    wait_until(lambda: queue_drained(env), what="every message acknowledged")
    assert smtp.subjects_to("nouveau@ocpizza.fr") == ["Votre compte OC Pizza : choisissez votre mot de passe"]
    assert "/compte/mot-de-passe/nouveau/" in smtp.messages[0]["body"]


def test_worker_killed_in_the_middle_of_a_job_does_it_once_after_restart(queue, tmp_path):
    from jobs.models import Job

    env, smtp, workers = queue
    _staff("lent@ocpizza.fr")
    smtp.start()
    smtp.hold()  # the mail server answers MAIL FROM only when released
    workers.append(start_worker(env, tmp_path / "worker-1.log"))
    run_django(env, ENQUEUE_LINK.format(email="lent@ocpizza.fr", after="pass"))

    wait_until(smtp.mail_started.is_set, what="the worker talking to the mail server")
    assert _job("lent@ocpizza.fr").state == Job.State.RUNNING
    kill(workers.pop())  # SIGKILL to the worker and its pool: the message stays unacknowledged in Redis
    smtp.release()
    assert smtp.messages == []

    workers.append(start_worker(env, tmp_path / "worker-2.log"))
    # Two ways back, both taken: the job's lease runs out and the sweeper (beat) sends it again;
    # Redis gives the killed worker's message back after the visibility timeout. One claim wins.
    wait_until(lambda: _job("lent@ocpizza.fr").state == Job.State.DONE, what="the job done after the restart")
    wait_until(lambda: queue_drained(env), what="every message acknowledged, the redelivered one included")
    job = _job("lent@ocpizza.fr")
    assert job.attempts == 2  # the killed try and the one that sent it
    assert smtp.subjects_to("lent@ocpizza.fr") == ["Votre compte OC Pizza : choisissez votre mot de passe"]
    log = (tmp_path / "worker-2.log").read_text()
    assert "skipped" in log or log.count("account.tasks.send_password_link") >= 1


def test_job_enqueued_in_a_rolled_back_transaction_never_runs(queue, tmp_path):
    from jobs.models import Job

    env, smtp, workers = queue
    _staff("annule@ocpizza.fr")
    _staff("garde@ocpizza.fr")
    smtp.start()
    workers.append(start_worker(env, tmp_path / "worker.log"))
    # The transaction that enqueued the job rolls back (an error after it, in the same request).
    run_django(env, ENQUEUE_LINK.format(email="annule@ocpizza.fr", after="transaction.set_rollback(True)"))
    # A job committed afterwards goes through the same queue: once it is done, anything
    # sent before it has been taken too.
    run_django(env, ENQUEUE_LINK.format(email="garde@ocpizza.fr", after="pass"))

    wait_until(lambda: _job("garde@ocpizza.fr") is not None and _job("garde@ocpizza.fr").state == Job.State.DONE,
               what="the committed job done")
    wait_until(lambda: queue_drained(env), what="every message acknowledged")
    assert _job("annule@ocpizza.fr") is None
    assert smtp.subjects_to("annule@ocpizza.fr") == []
    assert smtp.subjects_to("garde@ocpizza.fr") == ["Votre compte OC Pizza : choisissez votre mot de passe"]
    assert Job.objects.count() == 1
