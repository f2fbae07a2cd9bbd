"""`certification/rules.py` and its tests need no Django: run them where Django cannot be
imported at all (a fresh interpreter with `django` blocked in `sys.modules`, no conftest,
no pytest-django), so an ORM import creeping into the rules or their tests fails here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# `sys.modules["django"] = None` makes every `import django...` raise ImportError.
RUN_WITHOUT_DJANGO = """
import sys
sys.modules["django"] = None
import pytest
code = pytest.main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"django", "tests"} and sys.modules[m])
print("loaded:", loaded)
sys.exit(code)
"""


def run_without_django(*pytest_args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_WITHOUT_DJANGO,
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "--noconftest",
            "-o",
            "addopts=",
            "-q",
            *pytest_args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_rules_import_without_django():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['django'] = None; import certification.rules as r;"
            " print(sorted(m for m, module in sys.modules.items()"
            " if module and m.startswith(('django', 'certification'))))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "['certification', 'certification.rules']"


def test_the_rules_tests_pass_without_django():
    result = run_without_django("tests/certification/test_rules.py")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
    # Only the test package itself, nothing from the Django side of the suite.
    assert "loaded: ['tests', 'tests.certification', 'tests.certification.test_rules']" in (
        result.stdout
    )
