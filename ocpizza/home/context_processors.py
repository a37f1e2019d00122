from home.cart import SESSION_KEY


def cart_summary(request):
    """Number of items in the cart for the site header, read from the session without a query."""
    session = getattr(request, "session", None)
    if session is None or request.path.startswith("/admin/"):
        return {}
    data = session.get(SESSION_KEY) or {}
    return {"cart_count": sum(int(q) for q in (data.get("lines") or {}).values())}
