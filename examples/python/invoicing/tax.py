"""VAT rates, imported by absolute name from the package's other module."""
import invoicing.money

RATES = {"DE": 0.19, "FR": 0.20, "LU": 0.17}


def vat(net, country):
    if country not in RATES:
        raise KeyError(f"no VAT rate for {country!r}")
    return invoicing.money.Money(net.cents * RATES[country])


def rate(country):
    return RATES[country]
