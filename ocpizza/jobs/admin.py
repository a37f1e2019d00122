"""Background jobs in the admin, for head office: what is waiting, what failed and why, and
"Relancer" for the failed ones. Read-only otherwise: jobs are written by the code that makes
the events, never typed in."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action

from jobs import services
from jobs.models import Job


@admin.register(Job)
class JobAdmin(ModelAdmin):
    list_display = ("task", "key", "state", "attempts", "next_attempt_at", "created_at", "done_at")
    list_filter = ("state", "task")
    search_fields = ("key", "task")
    readonly_fields = [field.name for field in Job._meta.fields]
    actions = ["replay_failed"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing to type: the row is the job's record

    def has_delete_permission(self, request, obj=None):
        return False

    def has_replay_permission(self, request):
        return request.user.has_perm("jobs.change_job")

    @action(description=_("Relancer les travaux en échec sélectionnés"), permissions=["replay"])
    def replay_failed(self, request, queryset):
        count = services.replay(jobs=list(queryset), by=request.user)
        if count:
            self.message_user(
                request,
                ngettext("%(count)d travail relancé.", "%(count)d travaux relancés.", count) % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Aucun travail en échec dans la sélection : rien n'a été relancé."), messages.WARNING)
