"""Placeholder: the awsglue package is being written."""
