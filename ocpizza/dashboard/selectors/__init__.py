"""The dashboard's reads, computed by the database, one module per part of the page.

- `sales`: revenue and order figures of a period (REVENUE_RULE says what counts);
- `waiting`: the orders not finished now;
- `stock`: the stock matrix, what each shop can make, the latest movements;
- `options`: products by size, extras sold, ingredients per size (issue 16);
- `scope`: the shops a user may read.
"""
