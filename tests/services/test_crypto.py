import pytest
from cryptography.fernet import Fernet

from closient_app.config import get_settings
from closient_app.services import crypto


def test_rotation_new_key_first_old_ciphertexts_still_open(monkeypatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEYS", old)
    get_settings.cache_clear()
    under_old = crypto.encrypt_secret("shpat_secret")
    assert "shpat_secret" not in under_old

    monkeypatch.setenv("TOKEN_ENCRYPTION_KEYS", f"{new},{old}")
    get_settings.cache_clear()
    assert crypto.decrypt_secret(under_old) == "shpat_secret"
    rotated = crypto.reencrypt(under_old)

    monkeypatch.setenv("TOKEN_ENCRYPTION_KEYS", new)
    get_settings.cache_clear()
    assert crypto.decrypt_secret(rotated) == "shpat_secret"
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt_secret(under_old)  # its key was removed
    get_settings.cache_clear()
