"""Placeholder: the pyspark compatibility layer is being written."""
