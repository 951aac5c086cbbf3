"""Harbor's error model: one exception type and one body builder."""

import json

ERROR_CODES = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    412: 'PRECONDITION',
    422: 'UNPROCESSABLE_ENTITY',
    429: 'TOO_MANY_REQUEST',
}


class HarborError(Exception):
    """Raised by route handlers; turned into Harbor's error body by the server."""

    def __init__(self, status, message, code=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code  # Harbor's error code when it is not the status's usual one (DENIED for read-only)


# src/server/middleware/readonly: every write but PUT /configurations is refused while read_only is on
READ_ONLY_MESSAGE = 'The system is in read only mode. Any modification is prohibited.'


def error_body(status, message, code=None):
    """Harbor's `{"errors":[{"code":..,"message":..}]}`; 5xx details are never shown to clients."""
    if status >= 500:
        code, message = 'UNKNOWN', 'internal server error'
    else:
        code = code or ERROR_CODES.get(status, 'UNKNOWN')
    return json.dumps({'errors': [{'code': code, 'message': message}]}, separators=(',', ':')).encode()


def bad_request(message):
    return HarborError(400, message)


def not_found(message):
    return HarborError(404, message)


def conflict(message):
    return HarborError(409, message)
