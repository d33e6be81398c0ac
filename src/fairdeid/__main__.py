"""``python -m fairdeid``: the same command line as the ``fairdeid`` script, for environments
where the script's directory is not on PATH (or several Pythons are installed)."""

from fairdeid.cli import main

if __name__ == "__main__":
    main()
