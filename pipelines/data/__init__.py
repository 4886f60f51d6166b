"""Data files for the pipelines: the Kamtibmas lexicon and the gazetteer.

A package (not a bare folder) so that setuptools ships the *.yaml/*.json/*.txt files
with pipelines, as pyproject's package-data already asks for.
"""
