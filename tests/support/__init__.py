"""Helpers shared by Mortar's system tests: a real `mortar serve` process,
raw signed HTTP requests, the aws CLI runner and the response-shape checker."""
