"""The ``chancery demo`` seed and its data files."""
