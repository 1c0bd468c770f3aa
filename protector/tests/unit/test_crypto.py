import os

import pytest

from protector import crypto, exception


def test_round_trip_and_key_file(conf):
    token = "T-0123456789"
    stored = crypto.encrypt(token)
    assert token not in stored and stored.startswith("fernet:")
    assert crypto.decrypt(stored) == token
    assert oct(os.stat(conf.secret_key_file).st_mode & 0o777) == "0o600"


def test_replaced_key_is_a_clear_error(conf, tmp_path):
    stored = crypto.encrypt("secret")
    other = tmp_path / "other.key"
    conf.set_override("secret_key_file", str(other))
    try:
        with pytest.raises(exception.SecretKeyError, match="was it replaced"):
            crypto.decrypt(stored)
    finally:
        conf.clear_override("secret_key_file")


def test_plain_text_is_refused(conf):
    with pytest.raises(exception.SecretKeyError, match="not encrypted"):
        crypto.decrypt("plain")
