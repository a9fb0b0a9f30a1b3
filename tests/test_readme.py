"""The README's workflow diagram is the one the code generates, so it cannot drift."""

from pathlib import Path

from workflows import ehcp

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_shows_the_generated_workflow_diagram():
    text = README.read_text()
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.strip() == ehcp.mermaid().strip()
