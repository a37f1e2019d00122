"""Keep the Algolia index in step with the menu (F-SEARCH-1), through the job queue.

A saved or deleted product, or a changed recipe line (the record lists the ingredients),
enqueues product.tasks.update_search_index for that product in the same transaction: a
rolled-back change sends nothing, and Algolia being slow or down never delays the admin.
Connected by product.apps only when Algolia is configured (settings.SEARCH_BACKEND)."""
import uuid

from django.db.models.signals import post_delete, post_save

from jobs.services import enqueue
from product.models import Product, RecipeLine


def queue_reindex(product_id):
    enqueue("product.tasks.update_search_index", key=f"search-index:{product_id}:{uuid.uuid4().hex}",
            arguments={"product_id": product_id})


def _product_changed(sender, instance, **kwargs):
    queue_reindex(instance.pk)


def _recipe_changed(sender, instance, **kwargs):
    queue_reindex(instance.product_id)


def connect():
    for signal in (post_save, post_delete):
        signal.connect(_product_changed, sender=Product, dispatch_uid=f"search-index-product-{signal}")
        signal.connect(_recipe_changed, sender=RecipeLine, dispatch_uid=f"search-index-recipe-{signal}")
