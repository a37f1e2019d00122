"""The public site's views, one module per screen: catalogue (shops, menu, search), cart,
checkout, payment (card pages and confirmation), orders ("Mes commandes", change, cancel)
and account (register, profile, addresses)."""
