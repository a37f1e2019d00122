"""The menu's background job: keep the Algolia index in step with the products (F-SEARCH-1).

Only when Algolia is configured (settings.SEARCH_BACKEND == "algolia"): product.apps connects
the saves and deletions of products and recipe lines to `enqueue`, so that a product admin's
click never waits on Algolia and an Algolia outage only delays the index."""
from jobs.tasks import job_task
from product.models import Product


@job_task(retry_on=(Exception,))  # Algolia or the network: worth another try
def update_search_index(*, product_id):
    """Send the product's record as it is now (or remove it): the latest state wins, so an
    older job running late still sends the current record."""
    # Here, not at the top: every Celery worker imports this module, and the client is only
    # installed and needed when Algolia is configured (settings.search).
    from algoliasearch_django import delete_record, save_record

    product = Product.objects.filter(pk=product_id).first()
    if product is not None and product.is_active:
        save_record(product)
    else:
        delete_record(product or Product(pk=product_id))
