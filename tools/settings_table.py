"""Rewrite the README's settings table from the Settings dataclass (`make readme`)."""

import re
import sys
from pathlib import Path

from roster_user.config import markdown_table

BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"


def main(readme: str) -> None:
    """Replace the text between the settings markers with the current table."""
    path = Path(readme)
    text = path.read_text()
    block = f"{BEGIN}\n{markdown_table()}\n{END}"
    path.write_text(
        re.sub(f"{re.escape(BEGIN)}.*?{re.escape(END)}", lambda _: block, text, flags=re.S)
    )


if __name__ == "__main__":
    main(sys.argv[1])
