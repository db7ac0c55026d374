"""xcom-lint: every fixture line marked `# expect: CODE` is reported, nothing else; the CLI's
output format and exit codes; the cookbook's own dags/ pass."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from xcom_lint import lint_paths

from tests.harness.docs_blocks import block_titled
from tests.harness.environment import DAGS_FOLDER, REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "lint_fixtures"
EXPECT = re.compile(r"# expect: ((?:XCL\d{3} ?)+)$")


def expected_findings(path: Path) -> set[tuple[int, str]]:
    return {
        (number, code)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (match := EXPECT.search(line))
        for code in match[1].split()
    }


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.stem)
def test_each_rule_fires_exactly_on_the_marked_lines(fixture):
    found = {(f.line, f.code) for f in lint_paths([fixture])}
    assert found == expected_findings(fixture)


def test_every_rule_has_a_fixture_that_triggers_it():
    expected = set().union(*(expected_findings(p) for p in FIXTURES.glob("*.py")))
    assert {code for _, code in expected} == {f"XCL00{n}" for n in range(1, 8)}


def test_the_cookbooks_own_recipes_pass():
    assert lint_paths([DAGS_FOLDER]) == []


def run_cli(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xcom_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_prints_ruff_style_lines_and_exits_1_on_findings():
    result = run_cli("tests/lint_fixtures/generic_and_convention_keys.py")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "tests/lint_fixtures/generic_and_convention_keys.py:9:9: XCL001 generic key 'data': "
        "name what the value is, e.g. 'processed_customer_count_v1'"
    )


def test_the_output_the_page_shows_is_the_clis():
    shown = block_titled(
        "xcom-lint.md", "output of xcom-lint tests/lint_fixtures/dangling_and_unpulled.py"
    )
    printed = run_cli("tests/lint_fixtures/dangling_and_unpulled.py").stdout.splitlines()
    assert set(shown.splitlines()) <= set(printed)


def test_cli_exits_0_when_clean_and_2_on_usage_errors():
    assert run_cli("dags").returncode == 0
    missing = run_cli("no_such_folder")
    assert missing.returncode == 2
    assert "no such file or folder: no_such_folder" in missing.stderr
    assert run_cli().returncode == 2
    bad_pattern = run_cli("dags", "--key-pattern", "([")
    assert bad_pattern.returncode == 2 and "is not a regular expression" in bad_pattern.stderr


def test_key_pattern_comes_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.xcom-lint]\nkey-pattern = "[a-z_]+"\n')
    dag_file = tmp_path / "unversioned.py"
    dag_file.write_text(
        (FIXTURES / "clean.py").read_text().replace("processed_customer_count_v1", "processed")
    )
    assert run_cli(str(dag_file), cwd=tmp_path).returncode == 0
    assert run_cli(str(dag_file)).returncode == 1  # the cookbook's own pattern wants `_v<N>`


def test_a_file_that_is_not_utf8_is_a_finding_not_a_crash(tmp_path):
    dag_file = tmp_path / "latin1_dag.py"
    dag_file.write_bytes("# Café exports\nfrom airflow.sdk import dag\n".encode("latin-1"))
    result = run_cli(str(dag_file))
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout == (
        f"{dag_file}:1:0: XCL000 cannot be read as UTF-8 (byte 5: invalid continuation byte); "
        "save the file as UTF-8, as Airflow's DAG processor reads it\n"
    )
