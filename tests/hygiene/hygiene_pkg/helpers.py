def twice(cell: int) -> int:
    return 2 * cell
