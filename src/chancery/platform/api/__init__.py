"""The API's shared machinery: problem+json errors, authentication, pagination and rate limiting.

Domains write Ninja routers; :class:`chancery.platform.api.setup.ChanceryAPI` (built once in
``chancery.config.api``) gives every operation the same authentication, error format and limits.
"""
