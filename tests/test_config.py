"""dcmcore.config: global settings and thread-safe scoped overrides."""

from __future__ import annotations

import threading

import pytest

from dcmcore import config


def test_override_applies_inside_block_only():
    assert config.settings.reading_validation_mode == config.WARN
    with config.override(reading_validation_mode=config.RAISE):
        assert config.settings.reading_validation_mode == config.RAISE
    assert config.settings.reading_validation_mode == config.WARN


def test_override_is_invisible_to_other_threads():
    seen = {}
    entered, release = threading.Event(), threading.Event()

    def other():
        entered.wait(5)
        seen["mode"] = config.settings.reading_validation_mode
        release.set()

    thread = threading.Thread(target=other)
    thread.start()
    with config.override(reading_validation_mode=config.IGNORE):
        entered.set()
        release.wait(5)
    thread.join(5)
    assert seen["mode"] == config.WARN


def test_unknown_setting_raises():
    with pytest.raises(AttributeError):
        config.settings.no_such_setting = 1
    with pytest.raises(AttributeError):
        with config.override(no_such_setting=1):
            pass


def test_pydicom_style_functions_set_globals():
    try:
        config.DS_decimal(True)
        assert config.use_DS_decimal is True
    finally:
        config.settings.reset()
    assert config.settings.use_DS_decimal is False
