"""Files checked from another directory (paths with `..`) keep their place in the project."""

from fastlint.testing import lint

SECRET_CALL = 'login(password="hunter22-not-a-test")\n'


def test_helper_in_a_tests_folder_is_a_test_file_when_checked_from_elsewhere():
    # testing.run checks a temporary directory, so paths are relative to the cwd with `..`.
    assert lint({"tests/factories.py": SECRET_CALL}, "FL401") == []


def test_per_file_ignores_match_paths_checked_from_elsewhere():
    pyproject = '[tool.fastlint]\nper-file-ignores = { "app/legacy.py" = ["FL401"] }\n'
    found = lint({"app/legacy.py": SECRET_CALL, "app/new.py": SECRET_CALL}, "FL401",
                 pyproject=pyproject)
    assert [d.path for d in found] == ["app/new.py"]
