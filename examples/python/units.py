"""Unit conversions, as a Python helper file a Rust crate might adopt."""

ABSOLUTE_ZERO_C = -273.15
_FACTORS = {"km": 1000.0, "m": 1.0, "cm": 0.01, "mi": 1609.344, "ft": 0.3048}


def celsius_to_fahrenheit(c: float) -> float:
    if c < ABSOLUTE_ZERO_C:
        raise ValueError(f"{c} °C is below absolute zero")
    return c * 9 / 5 + 32


def convert(value: float, unit: str, to: str = "m") -> float:
    try:
        return value * _FACTORS[unit] / _FACTORS[to]
    except KeyError as missing:
        raise ValueError(f"unknown unit {missing}") from None
