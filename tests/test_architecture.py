"""The search core knows nothing of Discord."""

import subprocess
import sys

CORE = [
    "bot.cli",
    "bot.answer",
    "bot.library",
    "bot.index.search",
    "bot.corpus",
    "bot.output",
    "bot.fetch",
]


def test_importing_the_core_and_cli_loads_no_discord():
    code = f"import sys; import {', '.join(CORE)}; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_running_an_answer_loads_no_discord(bundled_corpus, tmp_path):
    code = (
        "import sys; from bot.cli import main; "
        f"main(['ask', 'troops', '--corpus', {str(bundled_corpus)!r}, '--db', {str(tmp_path / 'a.db')!r}]); "
        "print('discord' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
