"""Indonesian vocabulary shared by the rule modules: time zones, datelines, credits, chrome.

Data only (names, tuples, compiled patterns), kept apart from the logic that uses it, as
trafilatura keeps its XPath lists in ``xpaths.py``.
"""

from __future__ import annotations

from datetime import timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")    # Waktu Indonesia Barat: Sumatra, Java, West Kalimantan
WITA = timezone(timedelta(hours=8), "WITA")  # Waktu Indonesia Tengah: Bali, NTB, NTT, Sulawesi, …
WIT = timezone(timedelta(hours=9), "WIT")    # Waktu Indonesia Timur: Maluku, Papua
ZONES = {"WIB": WIB, "WITA": WITA, "WIT": WIT}
