"""pylonmock: a mock of the Pylon REST API for source-pylon's tests.

Modules: timeutil (RFC 3339 at ms precision), settings (switches and the
runtime-changeable config), data (deterministic records, indexes, mutation),
api (Pylon endpoints and the /_mock admin API), faults, ratelimit, tlsgen
(openssl CLI), server (sockets, HTTP/1.1, transport faults, request log).
"""
