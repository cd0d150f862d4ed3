"""Run Ralph's LRS (its FastAPI app, under uvicorn) with the file-system backend; run by .venv-ralph's Python.

    .venv-ralph/bin/python tests/ralph_server.py HOST PORT

Not `ralph runserver` itself, for one reason: Ralph 5.1.0's file-system LRS backend writes each
POST with the operation type "create", which refuses to write to a file that exists, so every
POST after the first answers 500 ("... already exists and overwrite is not allowed"). Here its
writes append instead, as a store of statements must; everything else (authentication,
validation, duplicate ids answered 204 or 409, queries) is Ralph's own code, unchanged.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="info")
