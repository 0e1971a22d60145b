"""The base of every client error the apps raise (no DRF here: any layer may use it)."""


class ClientError(Exception):
    """Bad input from a client: a stable machine code, a message, the field at fault.

    The API renders it as a 4xx in the one error shape (config.api); pages show
    the message beside the field.
    """

    status = 400

    def __init__(
        self, code: str, message, field: str | None = None, status: int | None = None
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
