"""The ``tandem`` command's entry point.

The two pure engines' commands (``tandem match`` and ``tandem compliance``) need none of the web
application, the database or the spreadsheet machinery, which take about a second to import;
they start from here directly. Everything else goes to the full command line (``tandem.cli``).
"""

from __future__ import annotations

import sys


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "match":
        import typer

        from tandem.matching.cli import HELP, match_command

        light = typer.Typer(add_completion=False)  # one command: its arguments follow "match"
        light.command(help=HELP)(match_command)
        light(args=sys.argv[2:], prog_name="tandem match")
    elif command == "compliance":
        import typer

        from tandem.compliance.cli import compliance_app

        light = typer.Typer(add_completion=False)
        light.add_typer(compliance_app, name="compliance")
        light(args=sys.argv[1:], prog_name="tandem")
    else:
        from tandem.cli import app

        app()
