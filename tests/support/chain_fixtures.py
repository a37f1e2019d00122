"""`shops` and `people` from the small factory-built chain (conftest's `chain`), for the test
files that need no demo data: importing them into a test module overrides conftest's demo
`shops` there, so the file's tests run on the chain (quicker, and independent of the demo)."""
import pytest


@pytest.fixture
def shops(chain):
    """The chain's shops by slug, in place of the demo's."""
    return chain.shops


@pytest.fixture
def people(chain):
    """One login per role in that chain (the keys of conftest's demo_users)."""
    return chain.people
