"""The jobs admin (head office): list and read the jobs, replay the failed ones. The replay
action is a write path: POSTed by every role, it acts for head office only."""
import pytest
from django.core import mail
from django.urls import reverse

from jobs.models import Job


@pytest.fixture
def failed_job(demo_users):
    return Job.objects.create(
        key="evt-failed", task="account.tasks.send_password_link", state=Job.State.FAILED, attempts=12,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        arguments={"user_id": demo_users["manager"].pk, "kind": "set", "domain": "ocpizza.fr", "protocol": "https"},
    )


ROLES = [("head_office", True), ("manager", False), ("manager_boulogne", False), ("pizzaiolo", False),
         ("driver", False), ("customer", False)]


@pytest.mark.parametrize("role,allowed", ROLES)
def test_list_and_replay_per_role(role, allowed, demo_users, failed_job, client_for, django_capture_on_commit_callbacks):
    client = client_for(demo_users[role])
    changelist = reverse("admin:jobs_job_changelist")
    assert client.get(changelist).status_code == (200 if allowed else 403 if demo_users[role].is_staff else 302)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "replay_failed", "_selected_action": [failed_job.pk]})
    failed_job.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert failed_job.state == Job.State.DONE and failed_job.replays == 1
        assert [m.to for m in mail.outbox] == [[demo_users["manager"].email]]
    else:
        assert response.status_code in (302, 403)
        assert failed_job.state == Job.State.FAILED and failed_job.replays == 0 and mail.outbox == []


def test_head_office_reads_a_job_but_cannot_change_add_or_delete_it(demo_users, failed_job, client_for):
    client = client_for(demo_users["head_office"])
    page = client.get(reverse("admin:jobs_job_change", args=[failed_job.pk]))
    assert page.status_code == 200 and "Connection refused" in page.content.decode()
    client.post(reverse("admin:jobs_job_change", args=[failed_job.pk]), {"key": "pirate", "state": "done"})
    failed_job.refresh_from_db()
    assert failed_job.key == "evt-failed" and failed_job.state == Job.State.FAILED
    assert client.get(reverse("admin:jobs_job_add")).status_code == 403
    assert client.post(reverse("admin:jobs_job_delete", args=[failed_job.pk]), {"post": "yes"}).status_code == 403
    assert Job.objects.filter(pk=failed_job.pk).exists()


def test_replaying_a_job_that_is_not_failed_does_nothing(demo_users, client_for, django_capture_on_commit_callbacks):
    done = Job.objects.create(key="evt-done", task="account.tasks.send_password_link", state=Job.State.DONE, attempts=1,
                              arguments={"user_id": demo_users["manager"].pk, "kind": "set", "domain": "x", "protocol": "https"})
    client = client_for(demo_users["head_office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:jobs_job_changelist"),
                               {"action": "replay_failed", "_selected_action": [done.pk]}, follow=True)
    assert "Aucun travail en échec dans la sélection" in response.content.decode()
    done.refresh_from_db()
    assert done.state == Job.State.DONE and mail.outbox == []
