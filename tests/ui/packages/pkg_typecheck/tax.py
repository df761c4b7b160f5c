RATES = {"FR": 0.2, "DE": 0.19}


def rate(country: str) -> float:
    return RATES.get(country, 0.0)
