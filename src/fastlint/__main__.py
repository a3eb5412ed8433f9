"""`python -m fastlint` runs the command-line interface."""

from fastlint.cli import main

if __name__ == "__main__":
    main()
