"""The README's workflow diagram is the one the code generates, so it cannot drift; its links stay in the repository."""

import re
from pathlib import Path

from workflows import ehcp

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_shows_the_generated_workflow_diagram():
    text = README.read_text()
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.strip() == ehcp.mermaid().strip()


def test_readme_links_only_to_files_in_the_repository():
    """A clone is all a reader has: a link to another site or outside the checkout would be a dead end."""
    root = README.parent
    targets = re.findall(r"\]\(([^)\s]+)\)", README.read_text())
    assert "casework/ARCHITECTURE.md" in targets
    for target in targets:
        assert "://" not in target and not target.startswith(("/", "mailto:")), target
        resolved = (root / target.split("#", 1)[0]).resolve()
        assert resolved.is_relative_to(root), target


def _api_examples() -> str:
    """The shell blocks of the README's HTTP API section, in order: one session a reader would type."""
    section = README.read_text().split("## HTTP API", 1)[1].split("\n## ", 1)[0]
    return "\n".join(block for block in re.findall(r"```sh\n(.*?)```", section, re.S) if "curl" in block)


def test_the_readme_api_examples_work_against_the_demo_as_printed(database_url, db, app, tmp_path):
    """Load a small demo, serve it over real HTTP, and run the README's commands with bash and curl. Only the
    address is changed, to the port the test serves on; every request must succeed."""
    import os
    import shutil
    import socket
    import subprocess
    import threading

    import pytest
    from waitress import create_server

    from casework.imports import demo

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    demo.load(db, cases=12, out=lambda _line: None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    codes = tmp_path / "codes"
    # Each curl's status is noted beside its output, which is passed on unchanged.
    wrapper = (f'curl() {{ local out; out=$(command curl -w "\\n%{{http_code}}" "$@"); '
               f'echo "${{out##*$\'\\n\'}}" >> {codes}; printf "%s\\n" "${{out%$\'\\n\'*}}"; }}\n')
    script = _api_examples().replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
    try:
        done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + wrapper + script], cwd=README.parent,
                              env={**os.environ, "EHCP_DATABASE_URL": database_url}, capture_output=True,
                              text=True, timeout=120)
    finally:
        server.close()
        thread.join(timeout=5)
    assert done.returncode == 0, done.stderr + done.stdout
    statuses = codes.read_text().split()
    assert len(statuses) == _api_examples().count("curl -s"), statuses
    assert all(status in ("200", "201") for status in statuses), (statuses, done.stdout)
    assert '"assigned_to": "caseworker2"' in done.stdout.replace('":"', '": "')
