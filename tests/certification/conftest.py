"""Certification test switches: which publishing mode a test runs under."""

import pytest


@pytest.fixture
def automatic_mode(settings):
    """Tests about what the rules award: the recompute publishes at once (as a city with
    CERTIFICATION_PUBLISH_MODE=automatic has it)."""
    settings.CERTIFICATION_PUBLISH_MODE = "automatic"


@pytest.fixture
def approval_mode(settings):
    settings.CERTIFICATION_PUBLISH_MODE = "approval"


@pytest.fixture
def two_person_rule(settings):
    settings.CERTIFICATION_TWO_PERSON_RULE = True
