"""workbench: the back office of an online shop, in Jupyter."""
__version__ = "0.1.0"
