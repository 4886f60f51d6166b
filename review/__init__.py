"""The operators' review web app: inbox, article pages, marks, digest, exports, runs.

Why a separate package: it is the last stage of the line (sources → … → store → review) and only
reads what the crawl stored, plus the review columns and the ``reviews`` table. ``create_app``
builds the Flask app; ``review.cli.serve`` runs it (``pantau serve``).
"""

from review.app import create_app

__all__ = ["create_app"]
