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
