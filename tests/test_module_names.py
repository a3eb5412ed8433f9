"""How a file's module name is derived (the names every cross-module resolution uses)."""


from fastlint.engine import module_info


def test_path_through_parent_directory_is_still_under_the_root(tmp_path):
    package = tmp_path / "project" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "requests.py").write_text("")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    winding = elsewhere / ".." / "project" / "pkg" / "requests.py"

    info = module_info(winding, (tmp_path / "project").resolve())

    assert info.module == "pkg.requests"
    assert info.alt_module == ""  # not also the top-level `requests`
