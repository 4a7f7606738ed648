"""The normaliser remembers a few pure answers for speed (a model's fit to a stated rate, a
spec's J/TH): remembered or not, every title normalises the same, whichever catalog is used."""

from __future__ import annotations

from monitor.normalise.catalog import Catalog, Model, Variant, load_catalog
from monitor.normalise.titles import normalise


def _s19(bins: list[float]) -> Catalog:
    variants = [Variant(hashrate=b, power_w=3250) for b in bins]
    model = Model(
        name="Antminer S19", maker="Bitmain", algorithm="SHA-256", unit="TH/s", variants=variants
    )
    return Catalog([model])


def test_a_fit_remembered_for_one_catalog_is_not_another_catalogs() -> None:
    title = "Antminer S19 95T used"
    bundled = normalise(title, load_catalog())
    near = normalise(title, _s19([95.0]))  # the rate is a bin: full confidence
    far = normalise(title, _s19([60.0]))  # same name, a bin far from the rate
    # far from every bin, the rate is not believed: the model's bin is (a fit remembered for
    # the first catalog's model of that name would have answered 95)
    assert (near.hashrate_ths, far.hashrate_ths) == (95.0, 60.0)
    assert far.confidence < near.confidence
    assert normalise(title, _s19([95.0])) == near  # asked again: the same answer
    assert normalise(title, load_catalog()) == bundled


def test_rates_and_efficiency_are_rounded_as_before() -> None:
    got = normalise("Antminer S19 Pro 110.123456789T 3250W", _s19([110.0]))
    assert got.hashrate_ths == round(110.123456789, 6)
    assert got.efficiency_j_th == round(3250 / got.hashrate_ths, 2)
    whole = normalise("Antminer S19 110T 3250W", _s19([110.0]))
    assert (whole.hashrate_ths, whole.efficiency_j_th) == (110.0, round(3250 / 110.0, 2))
