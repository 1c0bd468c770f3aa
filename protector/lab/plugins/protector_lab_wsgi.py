"""gunicorn target for the lab's OpenStack APIs.

oslo.config parses ``sys.argv`` when a service loads its WSGI application;
under gunicorn that is gunicorn's own command line, which the service
rejects (exit 2, and gunicorn restarts the worker forever). So replace argv
with the service's arguments, then import the real application.
"""

import importlib
import json
import os
import sys

sys.argv = [sys.argv[0], *json.loads(os.environ.get("PROTECTOR_LAB_WSGI_ARGV", "[]"))]
_module, _, _attr = os.environ["PROTECTOR_LAB_WSGI_TARGET"].partition(":")
application = getattr(importlib.import_module(_module), _attr or "application")
