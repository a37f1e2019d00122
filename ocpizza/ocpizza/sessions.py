"""Django's cached_db sessions, able to read other cache entries in the session's round trip
(issue 14).

The polled pages' 304 reads the session and a version token kept in the cache
(order.freshness): two Redis round trips, each costing as much CPU as the rest of the answer.
`load_with(keys)` asks for both at once (one MGET). It changes nothing else: a session missing
from the cache still comes from the database and is put back in the cache (cached_db's load),
and a session read this way is the one request.session holds for the rest of the request.
"""
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.core.cache import DEFAULT_CACHE_ALIAS, caches


class SessionStore(CachedDbSessionStore):
    def load_with(self, keys):
        """{key: value} of the default cache's `keys` that exist, read with the session's data
        when it is not loaded yet."""
        default = caches[DEFAULT_CACHE_ALIAS]
        if hasattr(self, "_session_cache") or self.session_key is None or self._cache is not default:
            return default.get_many(keys)
        values = default.get_many([self.cache_key, *keys])
        data = values.pop(self.cache_key, None)
        # SessionBase._get_session keeps the loaded data here: what request.session reads next.
        self._session_cache = data if data is not None else self.load()
        return values
