"""Test settings: production settings with a throwaway key and plain HTTP (the live test server has no TLS).

The HTTPS-only settings themselves are checked in tests/core/test_settings.py by loading the settings
module with DEBUG off in a fresh interpreter.
"""

import os

os.environ.setdefault("TESSERA_SECRET_KEY", "test-only-secret-key-not-for-any-real-installation")
os.environ.setdefault("TESSERA_HTTPS", "false")
os.environ.setdefault(
    "TESSERA_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)

from tessera.settings import *  # noqa: F403

# The tests make their own audit key in var/test the first time they need one; each test writes its
# checkpoints to a file of its own (tests/conftest.py).
AUDIT_KEY_GENERATE = True
