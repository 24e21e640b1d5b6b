"""A credit reviewer's actions on a decided application: approve, adjust, decline, ask for more evidence."""
