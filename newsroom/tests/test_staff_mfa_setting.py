"""The project's settings require staff two-factor sign-in in production
(``accounts/tests/test_staff_mfa.py`` tests the sign-in itself)."""

from pathlib import Path

from newsroom.settings import base


def test_staff_mfa_is_required_unless_a_setting_turns_it_off():
    """base.py defaults to on and prod.py does not change it; only dev and test turn it off."""
    assert base.NEWSROOM_REQUIRE_STAFF_MFA is True
    prod = (Path(base.__file__).parent / "prod.py").read_text()
    assert "NEWSROOM_REQUIRE_STAFF_MFA" not in prod
