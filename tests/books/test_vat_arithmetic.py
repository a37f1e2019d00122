"""books.vat (issue 18, F-BOOK-1): HT + TVA from TTC, rounded per line, summed per rate."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from books.vat import EMPTY, VatBreakdown, allocate, breakdown, split_ttc

D = Decimal


def test_split_worked_by_hand():
    assert split_ttc(D("11.00"), 10) == split_ttc("11", D("10.00"))
    at_ten = split_ttc(D("11.00"), 10)
    assert (at_ten.ht, at_ten.tva, at_ten.ttc) == (D("10.00"), D("1.00"), D("11.00"))
    # 13.00 / 1.10 = 11.8181… -> 11.82 HT, 1.18 TVA.
    assert (split_ttc(D("13.00"), 10).ht, split_ttc(D("13.00"), 10).tva) == (D("11.82"), D("1.18"))
    # 1.00 / 1.055 = 0.94786… -> 0.95 HT, 0.05 TVA.
    assert (split_ttc(D("1.00"), D("5.5")).ht, split_ttc(D("1.00"), D("5.5")).tva) == (D("0.95"), D("0.05"))
    # Half up: 0.11 / 1.10 = 0.1 exactly; 0.21 / 1.2 = 0.175 -> 0.18.
    assert split_ttc(D("0.21"), 20).ht == D("0.18")
    # A refund splits as the opposite of a sale.
    assert split_ttc(D("-13.00"), 10).ht == D("-11.82") and split_ttc(D("-13.00"), 10).tva == D("-1.18")


def test_rounding_is_per_line_then_summed():
    # Three lines of 1.00 € at 5,5 %: 0.95 HT each, 2.85 in all (2.84 if the total were split).
    result = breakdown([(D("5.5"), D("1.00"))] * 3)
    (line,) = result.lines
    assert (line.rate, line.ht, line.tva, line.ttc) == (D("5.50"), D("2.85"), D("0.15"), D("3.00"))


def test_breakdown_sorts_rates_and_adds_up():
    result = breakdown([(20, D("13.50")), (10, D("33.00")), (10, D("13.00")), (D("20.0"), D("6.00"))])
    assert [a.rate for a in result.lines] == [D("10.00"), D("20.00")]
    assert result.by_rate[D("10.00")].ttc == D("46.00") and result.by_rate[D("10.00")].ht == D("41.82")
    assert result.by_rate[D("20.00")].ht == D("16.25") and result.by_rate[D("20.00")].tva == D("3.25")
    assert result.ttc == D("65.50") and result.ht + result.tva == result.ttc
    assert VatBreakdown.from_data(result.as_data()) == result
    assert (result + result.negated()).ttc == 0 and (result + EMPTY) == result


def test_allocate_shares_a_partial_amount_to_the_cent():
    basis = breakdown([(10, D("49.50")), (20, D("19.50"))])
    share = allocate(D("10.00"), basis)
    # 10.00 × 49.50 / 69 = 7.1739… and 10.00 × 19.50 / 69 = 2.8260…: 7.17 + 2.83 (largest remainder).
    assert share.by_rate[D("10.00")].ttc == D("7.17") and share.by_rate[D("20.00")].ttc == D("2.83")
    assert share.ttc == D("10.00")
    assert allocate(D("0"), basis) == EMPTY
    assert allocate(D("5.00"), EMPTY).by_rate[D("0.00")].tva == D("0.00")


rates = st.sampled_from([D("0"), D("2.1"), D("5.5"), D("10"), D("20"), D("19.6"), D("7")])
amounts = st.decimals(min_value=D("-9999.99"), max_value=D("9999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(rates, amounts), max_size=30))
def test_ht_plus_tva_is_ttc_per_rate_and_in_total(parts):
    result = breakdown(parts)
    for amount in result.lines:
        assert amount.ht + amount.tva == amount.ttc
        assert abs(amount.tva) <= abs(amount.ttc)
    assert result.ttc == sum((ttc for _rate, ttc in parts), D("0"))
    assert result.ht + result.tva == result.ttc


@given(st.lists(st.tuples(rates, st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2)), min_size=1, max_size=10),
       st.decimals(min_value=D("0"), max_value=D("9999.99"), places=2))
def test_allocations_sum_to_the_amount(parts, amount):
    share = allocate(amount, breakdown(parts))
    assert share.ttc == amount and share.ht + share.tva == amount
    assert set(share.by_rate) <= set(breakdown(parts).by_rate)
