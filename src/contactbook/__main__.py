"""Allow ``python -m contactbook``."""

from contactbook.cli.main import main

main()
