"""Rules of Chinese business paperwork every stage may need: the USCC check character (GB 32100) and amounts
written in words (大写). Pure functions on strings, below every stage, so reading and checking share one copy."""
