from conftest import SEEDS, seed, xxgk


def test_package_summary_and_exit_code(mixed_corpus, tmp_path):
    result = xxgk("package", "--corpus", mixed_corpus, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "reports: 12" in result.stdout and "failed 4" in result.stdout
    assert "empty-file: 1" in result.stdout and "(valid)" in result.stdout
    assert (tmp_path / "out" / "datapackage.json").is_file()


def test_usage_errors_exit_non_zero(tmp_path):
    assert xxgk().returncode == 2
    assert xxgk("package", "--corpus", tmp_path / "missing", "--out", tmp_path / "out").returncode == 2
    assert not (tmp_path / "out").exists()
    assert xxgk("parse", tmp_path / "missing.txt").returncode == 2


def test_unwritable_output_exits_non_zero(mixed_corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert xxgk("package", "--corpus", mixed_corpus, "--out", blocker / "out").returncode == 1


def test_parse_explain_shows_matches_and_summary():
    result = xxgk("parse", "--explain", SEEDS / "26-gwh-2025" / "input.txt")
    assert result.returncode == 0
    assert "labels matched:" in result.stdout
    assert "requests.new ← “一、本年新收政府信息公开申请数量”" in result.stdout
    assert "digits-split" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("summary: 1 report, 200 facts")


def test_parse_a_bad_file_reports_it(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\x00\x01\x02" * 10)
    result = xxgk("parse", bad)
    assert result.returncode == 0 and "not-a-text-file" in result.stdout


def test_parse_json_is_machine_readable():
    import json

    result = xxgk("parse", "--json", seed("000"))
    data = json.loads(result.stdout)
    assert data["agency_name"] == "灋河回族区城市管理局" and len(data["facts"]) == 200
