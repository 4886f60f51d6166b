"""The operators' review web app: inbox, article pages, marks, digest, exports, runs.

Why a separate package: it is the last stage of the line (sources → … → store → review) and only
reads what the crawl stored, plus the review marks, all through ``pipelines.storage``; it imports
no crawler code. ``review.app.create_app`` builds the Flask app; ``pantau serve``
(``crawler/review_cli.py``) runs it.
"""
