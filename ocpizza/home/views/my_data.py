"""The customer's data rights on the public site (issue 18, F-BOOK-4): download my data, delete my
account. The rules are privacy's; this is the page and the session."""
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from account.forms import AccountDeletionForm
from privacy.selectors import customer_data_file
from privacy.services import ErasureRefused, erase_customer, erasure_refusal


@login_required
def data_export(request):
    filename, content = customer_data_file(user=request.user)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    form = AccountDeletionForm(request.POST or None, user=request.user)
    refusal = erasure_refusal(user=request.user)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            erase_customer(user=request.user, by=request.user)
        except ErasureRefused as exc:
            refusal = exc.message
        else:
            logout(request)
            messages.success(request, _("Votre compte est supprimé et vos données personnelles effacées. Au revoir !"))
            return redirect("home:index")
    return render(request, "account/delete.html", {"form": form, "refusal": refusal}, status=409 if refusal and request.method == "POST" else 200)
