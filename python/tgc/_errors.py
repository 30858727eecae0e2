"""tgc.Error: every failure the runtime or the compiler reports."""


class Error(RuntimeError):
    """A tgc failure, with the runtime's status name in ``code``.

    ``code`` is one of ``INVALID_ARGUMENT`` (a wrong shape or dtype, a model
    that does not compile: the message is the compiler's diagnostic with
    locations), ``NOT_FOUND``, ``DATA_LOSS`` (a malformed bundle),
    ``UNAVAILABLE`` (no such device, or no code for it), ``RESOURCE_EXHAUSTED``,
    ``FAILED_PRECONDITION``, ``DEVICE_ERROR``, ``IO_ERROR``, ``INTERNAL`` or
    ``PERMISSION_DENIED`` (a bundle not signed by a trusted key).
    """

    def __init__(self, message: str, code: str = "INTERNAL"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
