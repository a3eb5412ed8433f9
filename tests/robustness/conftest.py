"""Print what the fuzz tests generated, so a run can say how much it proved."""


def pytest_terminal_summary(terminalreporter) -> None:
    from robustness.harness import FUZZ_COUNTS

    if FUZZ_COUNTS["programs"]:
        counts = ", ".join(f"{name}: {value}" for name, value in FUZZ_COUNTS.items())
        terminalreporter.write_line(f"fuzz: {counts}")
