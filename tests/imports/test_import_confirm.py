"""Issue 13 L2: the import's confirmation step imports only the file this user's own preview
validated, named by a signed token, never by a path or a file name; a bad hidden `format` or
`resource` is a French form error, not a server error. Nothing is written or deleted otherwise."""
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.import_helpers import ADMIN_URLS, confirm, csv_bytes, page_errors, snapshot, text_of, upload

RECIPE = csv_bytes([["produit", "ingredient", "quantite"], ["reine", "Roquette", "15"]])
STOCK = csv_bytes([["pizzeria", "ingredient", "quantite_comptee"], ["bastille", "Roquette", "4321"]])


def _confirm_data(preview):
    form = preview.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def _refused(response, message):
    assert response.status_code == 200
    assert message in text_of(response)
    assert "Confirmer l" not in text_of(response)  # no button to confirm a file that is not ours


@pytest.fixture
def foreign_file():
    """A file of the server's temp folder that no preview made (what the hidden field used to name)."""
    path = Path(tempfile.gettempdir()) / f"ocpizza-foreign-{uuid.uuid4().hex}"
    path.write_bytes(RECIPE)
    yield path
    path.unlink(missing_ok=True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["{name}", "../../{name}", "/tmp/{name}"])
def test_a_file_named_by_the_browser_is_never_imported_nor_deleted(demo_users, client_for, foreign_file, name):
    from product.models import RecipeLine

    client = client_for(demo_users["head_office"])
    before = snapshot()
    response = client.post(ADMIN_URLS["recettes"] + "process_import/", {
        "import_file_name": name.format(name=foreign_file.name), "original_file_name": "recettes.csv",
        "format": "0", "resource": "0",
    })
    _refused(response, "Ce fichier d'import n'est pas celui de votre aperçu : relancez l'import.")
    assert foreign_file.exists()  # not deleted
    assert snapshot() == before
    assert not RecipeLine.objects.filter(product__slug="reine", ingredient__name="Roquette").exists()


@pytest.mark.django_db
def test_another_users_or_another_pages_preview_cannot_be_confirmed(demo_users, client_for):
    from pizzeria.models import Stock

    manager = client_for(demo_users["manager"])
    preview = upload(manager, "inventaire", STOCK)
    data = _confirm_data(preview)
    before = snapshot()
    # head office replays the manager's token
    head_office = client_for(demo_users["head_office"])
    _refused(head_office.post(ADMIN_URLS["inventaire"] + "process_import/", data), "n'est pas celui de votre aperçu")
    # the manager's stock token on the recipes page (head office's own token, other model)
    own = _confirm_data(upload(head_office, "inventaire", STOCK))
    _refused(head_office.post(ADMIN_URLS["recettes"] + "process_import/", own), "n'est pas celui de votre aperçu")
    # a token whose format was changed after signing
    _refused(manager.post(ADMIN_URLS["inventaire"] + "process_import/", {**data, "format": "1"}), "n'est pas celui de votre aperçu")
    # an altered token
    _refused(manager.post(ADMIN_URLS["inventaire"] + "process_import/", {**data, "import_file_name": data["import_file_name"] + "x"}),
             "n'est pas celui de votre aperçu")
    assert snapshot() == before
    # the owner still can, once
    done = manager.post(ADMIN_URLS["inventaire"] + "process_import/", data)
    assert done.status_code == 302
    assert Stock.objects.get(pizzeria__slug="bastille", ingredient__name="Roquette").quantity == 4321
    again = manager.post(ADMIN_URLS["inventaire"] + "process_import/", data, follow=True)
    assert "déjà été importé" in text_of(again)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "99", "-1", "", "1.0", "٠"])
def test_a_bad_format_is_a_french_form_error(demo_users, client_for, value):
    client = client_for(demo_users["head_office"])
    data = _confirm_data(upload(client, "recettes", RECIPE))
    before = snapshot()
    response = client.post(ADMIN_URLS["recettes"] + "process_import/", {**data, "format": value})
    _refused(response, "Format de fichier inconnu : relancez l'import." if value else "Ce champ est obligatoire.")
    response = client.post(ADMIN_URLS["recettes"] + "process_import/", {**data, "resource": "7"})
    _refused(response, "Type d'import inconnu : relancez l'import.")
    assert snapshot() == before


@pytest.mark.django_db
def test_previewed_files_wait_in_the_private_storage_and_go_after_use(demo_users, client_for):
    from django.core.files.storage import storages

    folder = Path(storages["import_export"].location) / "django-import-export"
    media = Path(settings.MEDIA_ROOT).resolve()
    assert media not in folder.resolve().parents  # not served by Nginx
    client = client_for(demo_users["head_office"])
    existing = set(folder.glob("*")) if folder.exists() else set()

    refused = upload(client, "recettes", csv_bytes([["produit", "ingredient", "quantite"], ["reine", "Roquette", "-1"]]))
    assert page_errors(refused)
    assert set(folder.glob("*")) - existing == set()  # a refused preview leaves no file

    preview = upload(client, "recettes", RECIPE)
    waiting = set(folder.glob("*")) - existing
    assert len(waiting) == 1
    assert oct(next(iter(waiting)).stat().st_mode & 0o777) == "0o600"
    assert confirm(client, "recettes", preview).status_code == 302
    assert set(folder.glob("*")) - existing == set()
