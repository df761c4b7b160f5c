"""Windows only: its imports exist there, not here."""
import msvcrt
import _winapi


def getch():
    return msvcrt.getch()
