#!/usr/bin/env python
from oversight.cli import main

if __name__ == "__main__":
    main()
