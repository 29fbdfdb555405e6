"""Load prefectures and municipalities from the public master data in ./data.

Sources and licences are in data/SOURCE.md (総務省 全国地方公共団体コード,
e-Stat 2020 census figures, Code for FUKUI's readings and websites).

Idempotent: codes are the keys; census figures and names are refreshed,
while the profile that municipal staff keep (staff count, budget, plan, …) is
never touched. Designated cities get the sum of their wards, because the
census file lists only the wards.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from banso.orgs.models import Municipality, Prefecture

DATA_DIR = Path(__file__).resolve().parent / "data"
CENSUS_YEAR = 2020

KIND_BY_TYPE = {
    "designated_city": Municipality.Kind.DESIGNATED_CITY,
    "designated_ward": Municipality.Kind.DESIGNATED_WARD,
    "special_ward": Municipality.Kind.SPECIAL_WARD,
    "city": Municipality.Kind.CITY,
    "town": Municipality.Kind.TOWN,
    "village": Municipality.Kind.VILLAGE,
}
MASTER_FIELDS = [
    "prefecture",
    "name",
    "name_kana",
    "kind",
    "website",
    "latitude",
    "longitude",
    "population",
    "households",
    "aged_65_share",
    "area_km2",
    "census_year",
    "is_active",
]


@dataclass
class Census:
    population: float
    households: float
    aged_weighted: float  # Σ population × share aged 65+, to weight merged wards
    aged_population: float  # population for which the share is known
    area: float

    def add(self, other: Census) -> None:
        self.population += other.population
        self.households += other.households
        self.aged_weighted += other.aged_weighted
        self.aged_population += other.aged_population
        self.area += other.area


def _float(text: str) -> float | None:
    try:
        return float(text) if text not in ("", None) else None
    except ValueError:
        return None


def read_census() -> dict[str, Census]:
    """5-digit code -> census figures."""
    rows = {}
    with (DATA_DIR / "census_muni.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pop = _float(row["pop_total"]) or 0.0
            aged = _float(row["pct_elderly_65"])
            density = _float(row["pop_density"])
            rows[row["muni_code"]] = Census(
                population=pop,
                households=_float(row["n_hh_total"]) or 0.0,
                aged_weighted=pop * aged if aged is not None else 0.0,
                aged_population=pop if aged is not None else 0.0,
                area=pop / density if density else 0.0,
            )
    return rows


def read_localgov() -> dict[str, dict[str, str]]:
    """6-digit code -> reading in hiragana, website and location."""
    with (DATA_DIR / "localgovjp-utf8.csv").open(encoding="utf-8-sig") as fh:
        return {row["lgcode"].zfill(6): row for row in csv.DictReader(fh)}


def _kana(half_width: str) -> str:
    return unicodedata.normalize("NFKC", half_width or "")


@transaction.atomic
def load_master(codes: set[str] | None = None) -> dict[str, int]:
    """Create or refresh every prefecture and municipality (or only the municipalities with these codes, for
    data that names a few towns before the whole master is loaded). Returns counts."""
    items = json.loads((DATA_DIR / "jichitai-code-index.json").read_text("utf-8"))["items"]
    census = read_census()
    localgov = read_localgov()
    prefectures = _load_prefectures([i for i in items if i["t"] == "prefecture"])
    for item in items:  # designated cities first need their wards' sum
        if item["t"] == "designated_city":
            total = None
            for ward in (i for i in items if i["r"] == item["c"]):
                figures = census.get(ward["s"])
                if figures:
                    total = Census(0, 0, 0, 0, 0) if total is None else total
                    total.add(figures)
            if total:
                census[item["s"]] = total
    municipalities = [
        _municipality(item, prefectures, census.get(item["s"]), localgov.get(item["c"]))
        for item in items
        if item["t"] != "prefecture" and (codes is None or item["c"] in codes)
    ]
    created, updated = _upsert(municipalities)
    if codes is None:
        _link_wards(items)
    return {"prefectures": len(prefectures), "created": created, "updated": updated}


def _load_prefectures(items: list[dict[str, Any]]) -> dict[str, Prefecture]:
    result: dict[str, Prefecture] = {}
    for item in items:
        pref, _created = Prefecture.objects.update_or_create(
            code=item["c"],
            defaults={"number": int(item["c"][:2]), "name": item["n"], "name_kana": _kana(item["k"])},
        )
        result[item["n"]] = pref
    return result


def _municipality(
    item: dict[str, Any], prefectures: dict[str, Prefecture], figures: Census | None, site: dict[str, str] | None
) -> Municipality:
    aged = None
    if figures and figures.aged_population:
        aged = Decimal(figures.aged_weighted / figures.aged_population).quantize(Decimal("0.0001"))
    return Municipality(
        code=item["c"],
        prefecture=prefectures[item["p"]],
        name=item["n"],
        name_kana=(site or {}).get("citykana", "").replace(" ", "") or _kana(item["k"]),
        kind=KIND_BY_TYPE[item["t"]],
        website=(site or {}).get("url", "")[:200],
        latitude=_float((site or {}).get("lat", "")),
        longitude=_float((site or {}).get("lng", "")),
        population=round(figures.population) if figures else None,
        households=round(figures.households) if figures else None,
        aged_65_share=aged,
        area_km2=Decimal(figures.area).quantize(Decimal("0.01")) if figures and figures.area else None,
        census_year=CENSUS_YEAR if figures else None,
        # The six Northern-Territories villages have codes but no administration.
        is_active=not item["u"],
    )


def _upsert(rows: list[Municipality]) -> tuple[int, int]:
    # Master data is reference data, refreshed in bulk: it does not go through
    # the audit trail, which records what people change.
    existing = dict(Municipality.objects.values_list("code", "pk"))
    new = [m for m in rows if m.code not in existing]
    old = [m for m in rows if m.code in existing]
    for m in old:
        m.pk = existing[m.code]
    Municipality.objects.bulk_create(new, batch_size=500)
    Municipality.objects.bulk_update(old, MASTER_FIELDS, batch_size=500)
    return len(new), len(old)


def _link_wards(items: list[dict[str, Any]]) -> None:
    ids = dict(Municipality.objects.values_list("code", "pk"))
    wards = [Municipality(pk=ids[i["c"]], parent_id=ids[i["r"]]) for i in items if i["r"]]
    Municipality.objects.bulk_update(wards, ["parent"], batch_size=500)
